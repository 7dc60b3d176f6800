#include "module/guest_bridge.h"

namespace isorun {

v8::MaybeLocal<v8::Value> GuestBridge::NewReference(v8::Local<v8::Context> context,
                                                    std::shared_ptr<RemoteValue> value) {
  ThrowTypeError(context->GetIsolate(),
                 "A Reference cannot be passed into a guest isolate; pass derefInto() into its own isolate, or a copy");
  return {};
}

v8::MaybeLocal<v8::Value> GuestBridge::NewExternalCopy(v8::Local<v8::Context> context,
                                                       std::shared_ptr<ExternalCopyData> data) {
  ThrowTypeError(context->GetIsolate(), "An ExternalCopy cannot be passed into a guest isolate; pass copyInto()");
  return {};
}

GuestBridge& TheGuestBridge() {
  // Stateless: one instance serves every guest.
  static GuestBridge bridge;
  return bridge;
}

}  // namespace isorun
