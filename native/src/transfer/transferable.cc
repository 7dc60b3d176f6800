#include "transfer/transferable.h"

namespace isorun {

RemoteValue::~RemoteValue() {
  if (owner) owner->Release(HandleKind::kValue, id);
  if (host) host->Release(id);
}

v8::MaybeLocal<v8::Value> DerefTransfer::TransferIn(const TransferTarget& target) {
  bool owned_here = value_->host ? target.env == nullptr : target.env == value_->owner.get();
  if (!owned_here) {
    ThrowTypeError(target.isolate, "Cannot dereference this into the target isolate: it belongs to another one");
    return {};
  }
  v8::Local<v8::Value> value = value_->host ? value_->host->Get(target.isolate, value_->id)
                                            : target.env->values().Get(target.isolate, value_->id);
  if (value.IsEmpty()) {
    ThrowTypeError(target.isolate, "Reference has been released");
    return {};
  }
  return value;
}

std::string TypeOf(v8::Local<v8::Value> value) {
  if (value->IsNull()) return "null";
  if (value->IsUndefined()) return "undefined";
  if (value->IsFunction()) return "function";
  if (value->IsString()) return "string";
  if (value->IsNumber()) return "number";
  if (value->IsBoolean()) return "boolean";
  if (value->IsBigInt()) return "bigint";
  return "object";
}

void ThrowTypeError(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::TypeError(
      v8::String::NewFromUtf8(isolate, message.data(), v8::NewStringType::kNormal, int(message.size()))
          .ToLocalChecked()));
}

void ThrowRangeError(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::RangeError(
      v8::String::NewFromUtf8(isolate, message.data(), v8::NewStringType::kNormal, int(message.size()))
          .ToLocalChecked()));
}

}  // namespace isorun
