#include "module/guest_bridge.h"

#include "module/invoke.h"
#include "transfer/external_copy.h"

namespace isorun {

namespace {

enum Kind : size_t { kReference = 0, kExternalCopy = 1, kTransferred = 2 };
constexpr const char* kClassNames[] = {"Reference", "ExternalCopy", "Transferred"};

// What a guest-side handle object holds; freed when the object is collected or the isolate goes.
struct GuestHandle : Environment::Owned {
  Kind kind;
  std::shared_ptr<RemoteValue> reference;
  std::shared_ptr<ExternalCopyData> copy;
  std::shared_ptr<Transferable> transferred;
  v8::Global<v8::Object> object;
};

thread_local bool constructing = false;

void Construct(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (!constructing) ThrowTypeError(info.GetIsolate(), "Illegal constructor");
}

GuestHandle* HandleOf(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* handle = static_cast<GuestHandle*>(info.This()->GetAlignedPointerFromInternalField(0));
  if (handle == nullptr) ThrowTypeError(info.GetIsolate(), "Illegal invocation");
  return handle;
}

bool TransferOption(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (info.Length() < 1 || !info[0]->IsObject()) return false;
  v8::Local<v8::Context> context = info.GetIsolate()->GetCurrentContext();
  v8::Local<v8::Value> transfer;
  if (!info[0]
           .As<v8::Object>()
           ->Get(context, v8::String::NewFromUtf8Literal(info.GetIsolate(), "transfer"))
           .ToLocal(&transfer)) {
    return false;
  }
  return transfer->BooleanValue(info.GetIsolate());
}

v8::MaybeLocal<v8::Value> Wrap(v8::Local<v8::Context> context, std::unique_ptr<GuestHandle> handle);

void CopyMethod(const v8::FunctionCallbackInfo<v8::Value>& info) {
  GuestHandle* handle = HandleOf(info);
  if (handle == nullptr) return;
  v8::Isolate* isolate = info.GetIsolate();
  if (!handle->copy) return ThrowTypeError(isolate, "ExternalCopy has been released");
  bool transfer = TransferOption(info);
  Environment& env = *Environment::From(isolate);
  v8::Local<v8::Value> value;
  if (handle->copy->CopyIn(GuestTarget(env, isolate->GetCurrentContext()), transfer).ToLocal(&value)) {
    info.GetReturnValue().Set(value);
    if (transfer) handle->copy.reset();
  }
}

void CopyIntoMethod(const v8::FunctionCallbackInfo<v8::Value>& info) {
  GuestHandle* handle = HandleOf(info);
  if (handle == nullptr) return;
  if (!handle->copy) return ThrowTypeError(info.GetIsolate(), "ExternalCopy has been released");
  bool transfer = TransferOption(info);
  auto made = std::make_unique<GuestHandle>();
  made->kind = kTransferred;
  made->transferred = std::make_shared<CopyTransfer>(handle->copy, transfer);
  if (transfer) handle->copy.reset();
  v8::Local<v8::Value> value;
  if (Wrap(info.GetIsolate()->GetCurrentContext(), std::move(made)).ToLocal(&value)) info.GetReturnValue().Set(value);
}

void DisposeMethod(const v8::FunctionCallbackInfo<v8::Value>& info) {
  GuestHandle* handle = HandleOf(info);
  if (handle == nullptr) return;
  handle->copy.reset();
  handle->reference.reset();
}

void TypeOfGetter(const v8::FunctionCallbackInfo<v8::Value>& info) {
  GuestHandle* handle = HandleOf(info);
  if (handle == nullptr) return;
  if (!handle->reference) return ThrowTypeError(info.GetIsolate(), "Reference has been released");
  const std::string& type = handle->reference->type_of;
  info.GetReturnValue().Set(
      v8::String::NewFromUtf8(info.GetIsolate(), type.data(), v8::NewStringType::kNormal, int(type.size()))
          .ToLocalChecked());
}

void DerefMethod(const v8::FunctionCallbackInfo<v8::Value>& info) {
  GuestHandle* handle = HandleOf(info);
  if (handle == nullptr) return;
  v8::Isolate* isolate = info.GetIsolate();
  if (!handle->reference) return ThrowTypeError(isolate, "Reference has been released");
  Environment& env = *Environment::From(isolate);
  v8::Local<v8::Value> value;
  if (DerefTransfer(handle->reference).TransferIn(GuestTarget(env, isolate->GetCurrentContext())).ToLocal(&value)) {
    info.GetReturnValue().Set(value);
  }
}

void DerefIntoMethod(const v8::FunctionCallbackInfo<v8::Value>& info) {
  GuestHandle* handle = HandleOf(info);
  if (handle == nullptr) return;
  if (!handle->reference) return ThrowTypeError(info.GetIsolate(), "Reference has been released");
  auto made = std::make_unique<GuestHandle>();
  made->kind = kTransferred;
  made->transferred = std::make_shared<DerefTransfer>(handle->reference);
  v8::Local<v8::Value> value;
  if (Wrap(info.GetIsolate()->GetCurrentContext(), std::move(made)).ToLocal(&value)) info.GetReturnValue().Set(value);
}

v8::Local<v8::FunctionTemplate> TemplateFor(Environment& env, Kind kind) {
  v8::Local<v8::FunctionTemplate> existing = env.Template(kind);
  if (!existing.IsEmpty()) return existing;
  v8::Isolate* isolate = env.isolate();
  v8::Local<v8::FunctionTemplate> tmpl = v8::FunctionTemplate::New(isolate, &Construct);
  tmpl->SetClassName(v8::String::NewFromUtf8(isolate, kClassNames[kind]).ToLocalChecked());
  tmpl->InstanceTemplate()->SetInternalFieldCount(1);
  v8::Local<v8::ObjectTemplate> proto = tmpl->PrototypeTemplate();
  v8::Local<v8::Signature> signature = v8::Signature::New(isolate, tmpl);
  auto method = [&](const char* name, v8::FunctionCallback callback) {
    proto->Set(v8::String::NewFromUtf8(isolate, name).ToLocalChecked(),
               v8::FunctionTemplate::New(isolate, callback, v8::Local<v8::Value>(), signature));
  };
  if (kind == kExternalCopy) {
    method("copy", &CopyMethod);
    method("copyInto", &CopyIntoMethod);
    method("dispose", &DisposeMethod);
    method("release", &DisposeMethod);
  } else if (kind == kReference) {
    proto->SetAccessorProperty(v8::String::NewFromUtf8Literal(isolate, "typeof"),
                               v8::FunctionTemplate::New(isolate, &TypeOfGetter, v8::Local<v8::Value>(), signature));
    method("deref", &DerefMethod);
    method("derefInto", &DerefIntoMethod);
    method("dispose", &DisposeMethod);
    method("release", &DisposeMethod);
  }
  env.SetTemplate(kind, tmpl);
  return tmpl;
}

void OnCollected(const v8::WeakCallbackInfo<GuestHandle>& info) {
  Environment::From(info.GetIsolate())->FreeOwned(info.GetParameter());
}

v8::MaybeLocal<v8::Value> Wrap(v8::Local<v8::Context> context, std::unique_ptr<GuestHandle> handle) {
  v8::Isolate* isolate = context->GetIsolate();
  Environment& env = *Environment::From(isolate);
  v8::Local<v8::Function> constructor;
  if (!TemplateFor(env, handle->kind)->GetFunction(context).ToLocal(&constructor)) return {};
  constructing = true;
  v8::MaybeLocal<v8::Object> made = constructor->NewInstance(context);
  constructing = false;
  v8::Local<v8::Object> object;
  if (!made.ToLocal(&object)) return {};
  object->SetAlignedPointerInInternalField(0, handle.get());
  handle->object.Reset(isolate, object);
  handle->object.SetWeak(handle.get(), &OnCollected, v8::WeakCallbackType::kParameter);
  env.AddOwned(std::move(handle));
  return object;
}

}  // namespace

std::unique_ptr<Transferable> GuestBridge::Recognize(v8::Local<v8::Context> context, v8::Local<v8::Object> object) {
  Environment& env = *Environment::From(context->GetIsolate());
  for (Kind kind : {kReference, kExternalCopy, kTransferred}) {
    v8::Local<v8::FunctionTemplate> tmpl = env.Template(kind);
    if (tmpl.IsEmpty() || !tmpl->HasInstance(object)) continue;
    auto* handle = static_cast<GuestHandle*>(object->GetAlignedPointerFromInternalField(0));
    if (handle == nullptr) return nullptr;
    if (kind == kReference && handle->reference) return std::make_unique<ReferenceTransfer>(handle->reference);
    if (kind == kExternalCopy && handle->copy) return std::make_unique<ExternalCopyTransfer>(handle->copy);
    if (kind == kTransferred) return std::make_unique<SharedTransfer>(handle->transferred);
    return nullptr;
  }
  return nullptr;
}

v8::MaybeLocal<v8::Value> GuestBridge::NewReference(v8::Local<v8::Context> context,
                                                    std::shared_ptr<RemoteValue> value) {
  auto handle = std::make_unique<GuestHandle>();
  handle->kind = kReference;
  handle->reference = std::move(value);
  return Wrap(context, std::move(handle));
}

v8::MaybeLocal<v8::Value> GuestBridge::NewExternalCopy(v8::Local<v8::Context> context,
                                                       std::shared_ptr<ExternalCopyData> data) {
  auto handle = std::make_unique<GuestHandle>();
  handle->kind = kExternalCopy;
  handle->copy = std::move(data);
  return Wrap(context, std::move(handle));
}

GuestBridge& TheGuestBridge() {
  static GuestBridge bridge;
  return bridge;
}

}  // namespace isorun
