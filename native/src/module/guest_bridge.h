// isorun's handle objects inside a guest isolate.
#pragma once

#include "transfer/transferable.h"

namespace isorun {

// Guests get primitives and copies; handle objects inside guests are not available yet, so passing a
// Reference or ExternalCopy into a guest fails with a TypeError that says so.
class GuestBridge : public HandleBridge {
 public:
  std::unique_ptr<Transferable> Recognize(v8::Local<v8::Context> context, v8::Local<v8::Object> object) override {
    return nullptr;
  }
  v8::MaybeLocal<v8::Value> NewReference(v8::Local<v8::Context> context, std::shared_ptr<RemoteValue> value) override;
  v8::MaybeLocal<v8::Value> NewExternalCopy(v8::Local<v8::Context> context,
                                            std::shared_ptr<ExternalCopyData> data) override;
};

GuestBridge& TheGuestBridge();

}  // namespace isorun
