#include "module/handles.h"

#include <utility>

#include "module/classes.h"
#include "transfer/external_copy.h"

namespace isorun {

const napi_type_tag kReferenceTag = {0x6a1f0b2c5d3e4f70, 0x8192a3b4c5d6e7f8};
const napi_type_tag kExternalCopyTag = {0x6a1f0b2c5d3e4f71, 0x8192a3b4c5d6e7f8};
const napi_type_tag kTransferredTag = {0x6a1f0b2c5d3e4f72, 0x8192a3b4c5d6e7f8};
const napi_type_tag kContextTag = {0x6a1f0b2c5d3e4f73, 0x8192a3b4c5d6e7f8};
const napi_type_tag kIsolateTag = {0x6a1f0b2c5d3e4f74, 0x8192a3b4c5d6e7f8};

bool HasTag(Napi::Env env, Napi::Value value, const napi_type_tag& tag) {
  if (!value.IsObject()) return false;
  bool result = false;
  napi_check_object_type_tag(env, value, &tag, &result);
  return result;
}

void Tag(Napi::Env env, Napi::Object object, const napi_type_tag& tag) { napi_type_tag_object(env, object, &tag); }

void DefineGetters(Napi::Function constructor, std::initializer_list<Napi::PropertyDescriptor> getters) {
  constructor.Get("prototype").As<Napi::Object>().DefineProperties(getters);
}

napi_value InternalToken(Napi::Env env) { return Addon::Of(env).internal_token.Value(); }

void SetConstructing(Napi::Env env, std::shared_ptr<void> data, const void* type) {
  Addon& addon = Addon::Of(env);
  addon.constructing = std::move(data);
  addon.constructing_type = type;
}

std::shared_ptr<void> TakeConstructing(Napi::Env env, const void* type) {
  Addon& addon = Addon::Of(env);
  if (addon.constructing_type != type) return nullptr;
  addon.constructing_type = nullptr;
  return std::exchange(addon.constructing, nullptr);
}

std::unique_ptr<Transferable> RecognizeHandle(Napi::Env env, Napi::Object object) {
  if (HasTag(env, object, kReferenceTag)) {
    const auto& value = ReferenceHandle::Unwrap(object)->value();
    if (!value) throw Napi::Error::New(env, "Reference has been released");
    return std::make_unique<ReferenceTransfer>(value);
  }
  if (HasTag(env, object, kExternalCopyTag)) {
    const auto& data = ExternalCopyHandle::Unwrap(object)->data();
    if (!data) throw Napi::Error::New(env, "ExternalCopy has been released");
    return std::make_unique<ExternalCopyTransfer>(data);
  }
  if (HasTag(env, object, kTransferredTag)) {
    auto* handle = TransferredHandle::Unwrap(object);
    std::shared_ptr<Transferable> value = handle->single_use() ? handle->Take() : handle->value();
    if (!value) throw Napi::TypeError::New(env, "This derefInto() value was already passed into an isolate");
    return std::make_unique<SharedTransfer>(std::move(value));
  }
  return nullptr;
}

Napi::Object NewReferenceObject(Napi::Env env, std::shared_ptr<RemoteValue> value) {
  return Addon::Of(env).reference_class.New(InternalArgs(env, std::move(value)));
}

Napi::Object NewExternalCopyObject(Napi::Env env, std::shared_ptr<ExternalCopyData> data) {
  return Addon::Of(env).external_copy_class.New(InternalArgs(env, std::move(data)));
}

Napi::Object NewTransferredObject(Napi::Env env, std::shared_ptr<Transferable> value, bool single_use) {
  auto data = std::make_shared<TransferredHandle::Data>();
  data->value = std::move(value);
  data->single_use = single_use;
  return Addon::Of(env).transferred_class.New(InternalArgs(env, std::move(data)));
}

Environment& Live(Napi::Env env, const std::shared_ptr<Environment>& target) {
  if (!target || target->disposed()) {
    throw Napi::Error::New(env, target ? target->disposed_message() : "Isolate is disposed");
  }
  return *target;
}

void DefineClasses(Napi::Env env, Napi::Object exports, Addon& addon) {
  Napi::Function isolate = IsolateHandle::Define(env);
  Napi::Function context = ContextHandle::Define(env);
  Napi::Function script = ScriptHandle::Define(env);
  Napi::Function reference = ReferenceHandle::Define(env);
  Napi::Function external_copy = ExternalCopyHandle::Define(env);
  Napi::Function transferred = TransferredHandle::Define(env);
  addon.context_class = Napi::Persistent(context);
  addon.script_class = Napi::Persistent(script);
  addon.reference_class = Napi::Persistent(reference);
  addon.external_copy_class = Napi::Persistent(external_copy);
  addon.transferred_class = Napi::Persistent(transferred);
  exports.Set("Isolate", isolate);
  exports.Set("Context", context);
  exports.Set("Script", script);
  exports.Set("Reference", reference);
  exports.Set("ExternalCopy", external_copy);
}

TransferredHandle::TransferredHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TransferredHandle>(info) {
  data_ = TakeInternalArgs<Data>(info);
  if (!data_) throw Napi::TypeError::New(info.Env(), "This object is made by copyInto() and derefInto() only");
  Tag(info.Env(), info.This().As<Napi::Object>(), kTransferredTag);
}

Napi::Function TransferredHandle::Define(Napi::Env env) { return DefineClass(env, "Transferred", {}); }

}  // namespace isorun
