#include "module/args.h"
#include "module/classes.h"
#include "module/convert.h"
#include "module/handles.h"

namespace isorun {

ExternalCopyHandle::ExternalCopyHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ExternalCopyHandle>(info) {
  Napi::Env env = info.Env();
  data_ = TakeInternalArgs<ExternalCopyData>(info);
  if (!data_) {
    Napi::Object options = args::Options(info, 1, "ExternalCopy");
    bool transfer = args::Bool(options, "transfer", "ExternalCopy:");
    data_ = convert::ToExternalCopy(env, info.Length() > 0 ? info[0] : env.Undefined(), transfer,
                                    "new ExternalCopy: 'value'");
  }
  Tag(env, info.This().As<Napi::Object>(), kExternalCopyTag);
}

Napi::Function ExternalCopyHandle::Define(Napi::Env env) {
  return DefineClass(env, "ExternalCopy",
                     {
                         InstanceMethod("copy", &ExternalCopyHandle::Copy),
                         InstanceMethod("copyInto", &ExternalCopyHandle::CopyInto),
                         InstanceMethod("dispose", &ExternalCopyHandle::Dispose),
                         InstanceMethod("release", &ExternalCopyHandle::Dispose),
                     });
}

std::shared_ptr<ExternalCopyData> ExternalCopyHandle::Checked(Napi::Env env) const {
  if (!data_) throw Napi::Error::New(env, "ExternalCopy has been released");
  return data_;
}

Napi::Value ExternalCopyHandle::Copy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto data = Checked(env);
  bool transfer = args::Bool(args::Options(info, 0, "copy"), "transfer", "copy:");
  Napi::Value value = convert::FromExternalCopy(env, *data, transfer);
  if (transfer) data_.reset();
  return value;
}

Napi::Value ExternalCopyHandle::CopyInto(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto data = Checked(env);
  bool transfer = args::Bool(args::Options(info, 0, "copyInto"), "transfer", "copyInto:");
  if (transfer) data_.reset();
  return NewTransferredObject(env, std::make_shared<CopyTransfer>(std::move(data), transfer));
}

Napi::Value ExternalCopyHandle::Dispose(const Napi::CallbackInfo& info) {
  Checked(info.Env());
  data_.reset();
  return info.Env().Undefined();
}

}  // namespace isorun
