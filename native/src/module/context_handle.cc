#include "module/classes.h"
#include "module/handles.h"

namespace isorun {

ContextHandle::Data::~Data() {
  if (env) env->Release(HandleKind::kContext, id);
}

ContextHandle::ContextHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ContextHandle>(info) {
  data_ = TakeInternalArgs<Data>(info);
  if (!data_) throw Napi::TypeError::New(info.Env(), "Context: use isolate.createContext()");
  Tag(info.Env(), info.This().As<Napi::Object>(), kContextTag);
}

namespace {
const ReceiverCheck kGlobalCheck{&kContextTag, "Context.global: 'this' must be a Context"};
}  // namespace

Napi::Function ContextHandle::Define(Napi::Env env) {
  Napi::Function constructor = DefineClass(env, "Context",
                                           {
                                               InstanceMethod("globalReference", &ContextHandle::Global),
                                               InstanceMethod("release", &ContextHandle::Release),
                                           });
  DefineGetters(constructor, {CheckedAccessor<ContextHandle, &ContextHandle::Global>("global", kGlobalCheck)});
  return constructor;
}

std::shared_ptr<ContextHandle::Data> ContextHandle::FromValue(Napi::Value value, const std::string& method,
                                                              const char* argument) {
  if (!HasTag(value.Env(), value, kContextTag)) {
    throw Napi::TypeError::New(value.Env(), method + ": '" + argument + "' must be a Context");
  }
  auto data = ObjectWrap<ContextHandle>::Unwrap(value.As<Napi::Object>())->data_;
  if (!data) throw Napi::Error::New(value.Env(), "Context has been released");
  return data;
}

Napi::Value ContextHandle::Global(const Napi::CallbackInfo& info) {
  if (!data_) throw Napi::Error::New(info.Env(), "Context has been released");
  Live(info.Env(), data_->env);
  // Made on first use: most contexts (every server invocation's) never ask for it, and a Reference
  // object costs Node's thread a wrapped instance per context.
  if (global_.IsEmpty()) global_ = Napi::Persistent(NewReferenceObject(info.Env(), data_->global));
  return global_.Value();
}

Napi::Value ContextHandle::Release(const Napi::CallbackInfo& info) {
  // The global Reference holds the context alive inside the isolate: it goes with the context.
  if (!global_.IsEmpty()) {
    ReferenceHandle::Unwrap(global_.Value())->Reset();
    global_.Reset();
  }
  data_.reset();
  return info.Env().Undefined();
}

}  // namespace isorun
