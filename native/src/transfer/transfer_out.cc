#include "transfer/transfer_out.h"

#include "transfer/external_copy.h"
#include "transfer/primitive_copy.h"

namespace isorun {

std::shared_ptr<RemoteValue> MakeRemote(const TransferSource& source, v8::Local<v8::Value> value) {
  auto remote = std::make_shared<RemoteValue>();
  remote->type_of = TypeOf(value);
  if (source.env) {
    remote->owner = source.env;
    remote->id = source.env->NewHandleId();
    source.env->values().Put(remote->id, source.isolate, value);
  } else {
    remote->host = source.host;
    remote->id = source.host->Add(source.isolate, value);
  }
  return remote;
}

std::unique_ptr<Transferable> TransferOut(const TransferSource& source, v8::Local<v8::Value> value, TransferMode mode,
                                          bool lenient) {
  if (mode == TransferMode::kReference) return std::make_unique<ReferenceTransfer>(MakeRemote(source, value));
  if (auto primitive = PrimitiveCopy::From(source.isolate, value)) return primitive;
  if (value->IsObject()) {
    if (auto handle = source.bridge->Recognize(source.context, value.As<v8::Object>())) return handle;
  }
  if (mode == TransferMode::kCopy) {
    auto data = ExternalCopyData::Create(source.isolate, source.context, value, false);
    if (!data) return nullptr;
    return std::make_unique<CopyTransfer>(std::move(data), true);
  }
  if (lenient) return PrimitiveCopy::Undefined();
  ThrowTypeError(source.isolate, "A non-transferable value was passed");
  return nullptr;
}

}  // namespace isorun
