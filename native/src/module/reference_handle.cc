#include "module/args.h"
#include "module/classes.h"
#include "module/convert.h"
#include "module/handles.h"
#include "module/invoke.h"
#include "transfer/error_copy.h"

namespace isorun {

namespace {

// The guest value a reference points at, in the context it was created in.
bool Resolve(Environment& env, Task& task, const RemoteValue& remote, v8::Local<v8::Value>* value,
             v8::Local<v8::Context>* context) {
  v8::Isolate* isolate = env.isolate();
  *value = env.values().Get(isolate, remote.id);
  if (value->IsEmpty()) {
    task.error = std::make_unique<ErrorCopy>("Error", "Reference has been released");
    return false;
  }
  v8::Local<v8::Context> creation;
  if ((*value)->IsObject() && (*value).As<v8::Object>()->GetCreationContext().ToLocal(&creation)) {
    *context = creation;
  } else {
    *context = env.DefaultContext();
    if (context->IsEmpty()) {
      task.error = NoContextError(env);
      return false;
    }
  }
  return true;
}

class CopyTask : public Task {
 public:
  explicit CopyTask(std::shared_ptr<RemoteValue> remote) : remote_(std::move(remote)) {}
  void Run(Environment& env, TaskControl& control) override {
    v8::Local<v8::Value> value;
    v8::Local<v8::Context> context;
    if (!Resolve(env, *this, *remote_, &value, &context)) return;
    Invoke(env, *this, control, context, 0, {TransferMode::kCopy, false}, [&] { return value; });
  }

 private:
  std::shared_ptr<RemoteValue> remote_;
};

class GetTask : public Task {
 public:
  GetTask(std::shared_ptr<RemoteValue> remote, std::unique_ptr<Transferable> key)
      : remote_(std::move(remote)), key_(std::move(key)) {}
  void Run(Environment& env, TaskControl& control) override {
    v8::Local<v8::Value> value;
    v8::Local<v8::Context> context;
    if (!Resolve(env, *this, *remote_, &value, &context)) return;
    Invoke(env, *this, control, context, 0, {TransferMode::kReference, false}, [&]() -> v8::MaybeLocal<v8::Value> {
      v8::Local<v8::Value> key;
      if (!value->IsObject()) {
        ThrowTypeError(env.isolate(), "Reference is not an object");
        return {};
      }
      if (!key_->TransferIn(GuestTarget(env, context)).ToLocal(&key)) return {};
      return value.As<v8::Object>()->Get(context, key);
    });
  }

 private:
  std::shared_ptr<RemoteValue> remote_;
  std::unique_ptr<Transferable> key_;
};

class SetTask : public Task {
 public:
  SetTask(std::shared_ptr<RemoteValue> remote, std::unique_ptr<Transferable> key, std::unique_ptr<Transferable> value)
      : remote_(std::move(remote)), key_(std::move(key)), value_(std::move(value)) {}
  void Run(Environment& env, TaskControl& control) override {
    v8::Local<v8::Value> target;
    v8::Local<v8::Context> context;
    if (!Resolve(env, *this, *remote_, &target, &context)) return;
    Invoke(env, *this, control, context, 0, {TransferMode::kValue, false}, [&]() -> v8::MaybeLocal<v8::Value> {
      v8::Isolate* isolate = env.isolate();
      v8::Local<v8::Value> key;
      v8::Local<v8::Value> value;
      if (!target->IsObject()) {
        ThrowTypeError(isolate, "Reference is not an object");
        return {};
      }
      TransferTarget into = GuestTarget(env, context);
      if (!key_->TransferIn(into).ToLocal(&key) || !value_->TransferIn(into).ToLocal(&value)) return {};
      v8::Maybe<bool> done = target.As<v8::Object>()->Set(context, key, value);
      if (done.IsNothing()) return {};
      return v8::Boolean::New(isolate, done.FromJust());
    });
  }

 private:
  std::shared_ptr<RemoteValue> remote_;
  std::unique_ptr<Transferable> key_;
  std::unique_ptr<Transferable> value_;
};

class ApplyTask : public Task {
 public:
  ApplyTask(std::shared_ptr<RemoteValue> remote, std::unique_ptr<Transferable> receiver,
            std::vector<std::unique_ptr<Transferable>> arguments, uint64_t timeout_ms, ResultOptions options)
      : remote_(std::move(remote)),
        receiver_(std::move(receiver)),
        arguments_(std::move(arguments)),
        timeout_ms_(timeout_ms),
        options_(options) {}

  void Run(Environment& env, TaskControl& control) override {
    v8::Local<v8::Value> function;
    v8::Local<v8::Context> context;
    if (!Resolve(env, *this, *remote_, &function, &context)) return;
    Invoke(env, *this, control, context, timeout_ms_, options_, [&]() -> v8::MaybeLocal<v8::Value> {
      v8::Isolate* isolate = env.isolate();
      if (!function->IsFunction()) {
        ThrowTypeError(isolate, "Reference is not a function");
        return {};
      }
      TransferTarget into = GuestTarget(env, context);
      v8::Local<v8::Value> receiver;
      if (!receiver_->TransferIn(into).ToLocal(&receiver)) return {};
      std::vector<v8::Local<v8::Value>> argv(arguments_.size());
      for (size_t i = 0; i < arguments_.size(); ++i) {
        if (!arguments_[i]->TransferIn(into).ToLocal(&argv[i])) return {};
      }
      return function.As<v8::Function>()->Call(context, receiver, int(argv.size()), argv.data());
    });
  }

 private:
  std::shared_ptr<RemoteValue> remote_;
  std::unique_ptr<Transferable> receiver_;
  std::vector<std::unique_ptr<Transferable>> arguments_;
  uint64_t timeout_ms_;
  ResultOptions options_;
};

// Host references settle at once; async variants return a settled promise, ignored ones swallow the
// error (a rejected promise nobody holds would be an unhandled rejection, which ends Node's process).
Napi::Value Settled(Napi::Env env, Mode mode, const std::function<Napi::Value()>& work) {
  if (mode == Mode::kSync) return work();
  if (mode == Mode::kIgnored) {
    try {
      work();
    } catch (const Napi::Error&) {
    }
    return env.Undefined();
  }
  auto deferred = Napi::Promise::Deferred::New(env);
  try {
    deferred.Resolve(work());
  } catch (const Napi::Error& error) {
    deferred.Reject(error.Value());
  }
  return deferred.Promise();
}

// The property argument of get/set, as something that can enter a guest.
std::unique_ptr<Transferable> PropertyArg(const Napi::CallbackInfo& info, const std::string& name) {
  if (info.Length() < 1) args::ThrowType(info.Env(), name + ": 'property' is required");
  return convert::ToTransferable(info.Env(), info[0], TransferMode::kValue, name + ": 'property'");
}

}  // namespace

ReferenceHandle::ReferenceHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ReferenceHandle>(info) {
  value_ = TakeInternalArgs<RemoteValue>(info);
  if (!value_) {
    if (info.Length() < 1) args::ThrowType(info.Env(), "Reference: 'value' is required");
    value_ = convert::HostReference(info.Env(), info[0]);
  }
  Tag(info.Env(), info.This().As<Napi::Object>(), kReferenceTag);
}

namespace {
const ReceiverCheck kTypeOfCheck{&kReferenceTag, "Reference.typeof: 'this' must be a Reference"};
}  // namespace

Napi::Function ReferenceHandle::Define(Napi::Env env) {
  Napi::Function constructor = DefineClass(env, "Reference",
                                           {
                                               InstanceMethod("copy", &ReferenceHandle::Copy<Mode::kAsync>),
                                               InstanceMethod("copySync", &ReferenceHandle::Copy<Mode::kSync>),
                                               InstanceMethod("deref", &ReferenceHandle::Deref),
                                               InstanceMethod("derefInto", &ReferenceHandle::DerefInto),
                                               InstanceMethod("dispose", &ReferenceHandle::Dispose),
                                               InstanceMethod("release", &ReferenceHandle::Dispose),
                                               InstanceMethod("get", &ReferenceHandle::Get<Mode::kAsync>),
                                               InstanceMethod("getSync", &ReferenceHandle::Get<Mode::kSync>),
                                               InstanceMethod("set", &ReferenceHandle::Set<Mode::kAsync>),
                                               InstanceMethod("setSync", &ReferenceHandle::Set<Mode::kSync>),
                                               InstanceMethod("setIgnored", &ReferenceHandle::Set<Mode::kIgnored>),
                                               InstanceMethod("apply", &ReferenceHandle::Apply<Mode::kAsync>),
                                               InstanceMethod("applySync", &ReferenceHandle::Apply<Mode::kSync>),
                                               InstanceMethod("applyIgnored", &ReferenceHandle::Apply<Mode::kIgnored>),
                                           });
  DefineGetters(constructor, {CheckedAccessor<ReferenceHandle, &ReferenceHandle::TypeOf>("typeof", kTypeOfCheck)});
  return constructor;
}

std::shared_ptr<RemoteValue> ReferenceHandle::Checked(Napi::Env env, Mode mode) const {
  if (!value_) throw Napi::Error::New(env, "Reference has been released");
  if (value_->owner && mode != Mode::kAsync) Live(env, value_->owner);
  return value_;
}

Napi::Value ReferenceHandle::TypeOf(const Napi::CallbackInfo& info) {
  // Recorded when the Reference was made: "available at any time", its isolate disposed or not.
  if (!value_) throw Napi::Error::New(info.Env(), "Reference has been released");
  return Napi::String::New(info.Env(), value_->type_of);
}

template <Mode mode>
Napi::Value ReferenceHandle::Copy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto remote = Checked(env, mode);
  if (remote->host) {
    return Settled(env, mode, [&] {
      auto data = convert::ToExternalCopy(env, convert::HostDeref(env, *remote), false, "copy(): the referenced value");
      return convert::FromExternalCopy(env, *data, true);
    });
  }
  return Dispatch(env, remote->owner, std::make_unique<CopyTask>(remote), mode);
}

Napi::Value ReferenceHandle::Deref(const Napi::CallbackInfo& info) {
  auto remote = Checked(info.Env(), Mode::kSync);
  if (!remote->host) throw Napi::TypeError::New(info.Env(), "deref: this Reference belongs to another isolate");
  return convert::HostDeref(info.Env(), *remote);
}

Napi::Value ReferenceHandle::DerefInto(const Napi::CallbackInfo& info) {
  return NewTransferredObject(info.Env(), std::make_shared<DerefTransfer>(Checked(info.Env(), Mode::kSync)), true);
}

Napi::Value ReferenceHandle::Dispose(const Napi::CallbackInfo& info) {
  if (!value_) throw Napi::Error::New(info.Env(), "Reference has been released");
  value_.reset();
  return info.Env().Undefined();
}

template <Mode mode>
Napi::Value ReferenceHandle::Get(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = MethodName(mode, "get");
  auto remote = Checked(env, mode);
  auto key = PropertyArg(info, name);
  if (remote->host) {
    Napi::Value target = convert::HostDeref(env, *remote);
    return Settled(env, mode, [&]() -> Napi::Value {
      if (!target.IsObject()) args::ThrowType(env, name + ": Reference is not an object");
      return NewReferenceObject(env, convert::HostReference(env, target.As<Napi::Object>().Get(info[0])));
    });
  }
  return Dispatch(env, remote->owner, std::make_unique<GetTask>(remote, std::move(key)), mode);
}

template <Mode mode>
Napi::Value ReferenceHandle::Set(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = MethodName(mode, "set");
  auto remote = Checked(env, mode);
  auto key = PropertyArg(info, name);
  Napi::Value raw = info.Length() > 1 ? info[1] : env.Undefined();
  auto value = convert::ToTransferable(env, raw, TransferMode::kValue, name + ": 'value'");
  if (remote->host) {
    Napi::Value target = convert::HostDeref(env, *remote);
    return Settled(env, mode, [&]() -> Napi::Value {
      if (!target.IsObject()) args::ThrowType(env, name + ": Reference is not an object");
      target.As<Napi::Object>().Set(info[0], convert::FromTransferable(env, *value));
      return Napi::Boolean::New(env, true);
    });
  }
  return Dispatch(env, remote->owner, std::make_unique<SetTask>(remote, std::move(key), std::move(value)), mode);
}

template <Mode mode>
Napi::Value ReferenceHandle::Apply(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = MethodName(mode, "apply");
  auto remote = Checked(env, mode);
  Napi::Value receiver_value = info.Length() > 0 ? info[0] : env.Undefined();
  auto receiver = convert::ToTransferable(env, receiver_value, TransferMode::kValue, name + ": 'receiver'");
  Napi::Object options = args::OptionalOptions(info, 2, name);
  uint64_t timeout = args::Timeout(options, name);
  Napi::Value argument_setting = args::Option(options, "arguments");
  bool copy_arguments = false;
  if (!argument_setting.IsUndefined()) {
    if (!argument_setting.IsObject()) args::ThrowType(env, name + ": option 'arguments' must be an object");
    copy_arguments = args::Bool(argument_setting.As<Napi::Object>(), "copy", name + ": 'arguments'");
  }
  ResultOptions result;
  Napi::Value result_setting = args::Option(options, "result");
  if (!result_setting.IsUndefined()) {
    if (!result_setting.IsObject()) args::ThrowType(env, name + ": option 'result' must be an object");
    result = ParseResultOptions(result_setting.As<Napi::Object>(), name + ": 'result'");
  }
  std::vector<std::unique_ptr<Transferable>> arguments;
  std::vector<napi_value> raw_arguments;
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    if (!info[1].IsArray()) args::ThrowType(env, name + ": 'arguments' must be an array");
    Napi::Array array = info[1].As<Napi::Array>();
    uint32_t length = array.Length();
    if (length > 65535) args::ThrowRange(env, name + ": 'arguments' has more than 65535 elements");
    for (uint32_t i = 0; i < length; ++i) {
      Napi::Value argument = array.Get(i);
      raw_arguments.push_back(argument);
      arguments.push_back(convert::ToTransferable(env, argument,
                                                  copy_arguments ? TransferMode::kCopy : TransferMode::kValue,
                                                  name + ": argument " + std::to_string(i)));
    }
  }
  if (remote->host) {
    Napi::Value target = convert::HostDeref(env, *remote);
    return Settled(env, mode, [&]() -> Napi::Value {
      if (!target.IsFunction()) args::ThrowType(env, name + ": Reference is not a function");
      return target.As<Napi::Function>().Call(receiver_value, raw_arguments);
    });
  }
  return Dispatch(env, remote->owner,
                  std::make_unique<ApplyTask>(remote, std::move(receiver), std::move(arguments), timeout, result),
                  mode);
}

}  // namespace isorun
