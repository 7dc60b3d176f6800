#include "module/args.h"
#include "module/classes.h"
#include "module/handles.h"
#include "module/invoke.h"
#include "transfer/error_copy.h"

namespace isorun {

namespace {

class RunTask : public Task {
 public:
  RunTask(std::shared_ptr<ScriptHandle::Data> script, std::shared_ptr<ContextHandle::Data> context, uint64_t timeout_ms,
          ResultOptions options)
      : script_(std::move(script)), context_(std::move(context)), timeout_ms_(timeout_ms), options_(options) {}

  void Run(Environment& env, TaskControl& control) override {
    v8::Isolate* isolate = env.isolate();
    v8::Local<v8::Context> context = env.contexts().Get(isolate, context_->id);
    v8::Local<v8::UnboundScript> script = env.scripts().Get(isolate, script_->id);
    if (context.IsEmpty() || script.IsEmpty()) {
      error = std::make_unique<ErrorCopy>("Error", "Script or context has been released");
      return;
    }
    Invoke(env, *this, control, context, timeout_ms_, options_,
           [&]() -> v8::MaybeLocal<v8::Value> { return script->BindToCurrentContext()->Run(context); });
  }

 private:
  std::shared_ptr<ScriptHandle::Data> script_;
  std::shared_ptr<ContextHandle::Data> context_;
  uint64_t timeout_ms_;
  ResultOptions options_;
};

}  // namespace

ResultOptions ParseResultOptions(Napi::Object options, const std::string& what) {
  ResultOptions result;
  bool copy = args::Bool(options, "copy", what);
  bool reference = args::Bool(options, "reference", what);
  if (copy && reference) args::ThrowType(options.Env(), what + " options 'copy' and 'reference' exclude each other");
  result.mode = copy ? TransferMode::kCopy : reference ? TransferMode::kReference : TransferMode::kValue;
  result.promise = args::Bool(options, "promise", what);
  return result;
}

ScriptHandle::Data::~Data() {
  if (env) env->Release(HandleKind::kScript, id);
}

ScriptHandle::ScriptHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ScriptHandle>(info) {
  data_ = TakeInternalArgs<Data>(info);
  if (!data_) throw Napi::TypeError::New(info.Env(), "Script: use isolate.compileScript()");
  Napi::Object self = info.This().As<Napi::Object>();
  if (data_->cached_data) self.Set("cachedData", NewExternalCopyObject(info.Env(), data_->cached_data));
  if (data_->consumed_cache)
    self.Set("cachedDataRejected", Napi::Boolean::New(info.Env(), data_->cached_data_rejected));
}

Napi::Function ScriptHandle::Define(Napi::Env env) {
  return DefineClass(env, "Script",
                     {
                         InstanceMethod("run", &ScriptHandle::Run<Mode::kAsync>),
                         InstanceMethod("runSync", &ScriptHandle::Run<Mode::kSync>),
                         InstanceMethod("runIgnored", &ScriptHandle::Run<Mode::kIgnored>),
                         InstanceMethod("release", &ScriptHandle::Release),
                     });
}

template <Mode mode>
Napi::Value ScriptHandle::Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = MethodName(mode, "run");
  // Held for the whole call: parsing the options can run user code that releases this script.
  std::shared_ptr<Data> data = data_;
  if (!data) throw Napi::Error::New(env, "Script has been released");
  if (mode != Mode::kAsync) Live(env, data->env);
  if (info.Length() < 1) args::ThrowType(env, name + ": 'context' must be a Context");
  auto context = ContextHandle::FromValue(info[0], name, "context");
  if (context->env != data->env) {
    args::ThrowType(env, name + ": 'context' belongs to another isolate than the script");
  }
  Napi::Object options = args::OptionalOptions(info, 1, name);
  uint64_t timeout = args::Timeout(options, name);
  ResultOptions result = ParseResultOptions(options, name);
  return Dispatch(env, data->env, std::make_unique<RunTask>(data, context, timeout, result), mode);
}

Napi::Value ScriptHandle::Release(const Napi::CallbackInfo& info) {
  data_.reset();
  return info.Env().Undefined();
}

}  // namespace isorun
