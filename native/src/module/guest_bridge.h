// isorun's handle objects inside a guest isolate: Reference, ExternalCopy and copyInto()/derefInto()
// values, so that every transferable can be passed into guests and back.
#pragma once

#include "transfer/transferable.h"

namespace isorun {

class GuestBridge : public HandleBridge {
 public:
  std::unique_ptr<Transferable> Recognize(v8::Local<v8::Context> context, v8::Local<v8::Object> object) override;
  v8::MaybeLocal<v8::Value> NewReference(v8::Local<v8::Context> context, std::shared_ptr<RemoteValue> value) override;
  v8::MaybeLocal<v8::Value> NewExternalCopy(v8::Local<v8::Context> context,
                                            std::shared_ptr<ExternalCopyData> data) override;
};

// Stateless: one instance serves every guest (per-isolate state lives in the Environment).
GuestBridge& TheGuestBridge();

}  // namespace isorun
