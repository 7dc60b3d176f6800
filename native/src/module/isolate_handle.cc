#include <cmath>
#include <iterator>

#include "isolate/code_cache.h"
#include "isolate/snapshot.h"
#include "module/args.h"
#include "module/classes.h"
#include "module/convert.h"
#include "module/handles.h"
#include "module/invoke.h"
#include "transfer/error_copy.h"

namespace isorun {

namespace {

class CompileTask : public Task {
 public:
  CompileTask(std::shared_ptr<Environment> env, std::unique_ptr<Transferable> code,
              std::unique_ptr<Transferable> filename, int line_offset, int column_offset, bool produce_cache,
              std::shared_ptr<ExternalCopyData> cached_data)
      : env_(std::move(env)),
        code_(std::move(code)),
        filename_(std::move(filename)),
        line_offset_(line_offset),
        column_offset_(column_offset),
        produce_cache_(produce_cache),
        cached_data_(std::move(cached_data)) {}

  void Run(Environment& env, TaskControl& control) override {
    v8::Isolate* isolate = env.isolate();
    v8::Local<v8::Context> context = env.DefaultContext();
    if (context.IsEmpty()) {
      error = NoContextError(env);
      return;
    }
    v8::Context::Scope context_scope(context);
    v8::TryCatch try_catch(isolate);
    TransferTarget target = GuestTarget(env, context);
    v8::Local<v8::Value> code;
    v8::Local<v8::Value> filename;
    v8::Local<v8::UnboundScript> script;
    if (code_->TransferIn(target).ToLocal(&code) && filename_->TransferIn(target).ToLocal(&filename)) {
      v8::ScriptOrigin origin(isolate, filename, line_offset_, column_offset_);
      v8::ScriptCompiler::CachedData* cache = nullptr;
      code_cache::Digest key;
      if (produce_cache_ || cached_data_) key = code_cache::SourceKey(isolate, code.As<v8::String>());
      if (cached_data_) {
        // Only isorun's own envelope for exactly this source reaches V8; anything else is refused.
        const uint8_t* bytes = nullptr;
        size_t length = 0;
        const uint8_t* payload = nullptr;
        size_t payload_length = 0;
        if (cached_data_->Bytes(&bytes, &length) && code_cache::Unwrap(bytes, length, key, &payload, &payload_length)) {
          cache = new v8::ScriptCompiler::CachedData(payload, int(payload_length));
        }
      }
      v8::ScriptCompiler::Source source(code.As<v8::String>(), origin, cache);
      auto options = cache != nullptr ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions;
      if (v8::ScriptCompiler::CompileUnboundScript(isolate, &source, options).ToLocal(&script)) {
        id_ = env.NewHandleId();
        env.scripts().Put(id_, isolate, script);
        if (cached_data_) rejected_ = cache == nullptr || source.GetCachedData()->rejected;
        if (produce_cache_) {
          std::unique_ptr<v8::ScriptCompiler::CachedData> made(v8::ScriptCompiler::CreateCodeCache(script));
          produced_ = ExternalCopyData::FromBytes(code_cache::Wrap(made->data, size_t(made->length), key));
        }
        return;
      }
    }
    if (env.memory_exceeded()) {
      error = MemoryLimitError();
    } else {
      error = ErrorCopy::Capture(isolate, context, try_catch.Exception(), try_catch.Message());
    }
  }

  Napi::Value Finish(Napi::Env env) override {
    auto data = std::make_shared<ScriptHandle::Data>();
    data->env = env_;
    data->id = id_;
    data->cached_data = produced_;
    data->consumed_cache = cached_data_ != nullptr;
    data->cached_data_rejected = rejected_;
    return Addon::Of(env).script_class.New(InternalArgs(env, std::move(data)));
  }

 private:
  std::shared_ptr<Environment> env_;
  std::unique_ptr<Transferable> code_;
  std::unique_ptr<Transferable> filename_;
  int line_offset_;
  int column_offset_;
  bool produce_cache_;
  std::shared_ptr<ExternalCopyData> cached_data_;
  std::shared_ptr<ExternalCopyData> produced_;
  bool rejected_ = false;
  uint64_t id_ = 0;
};

class CreateContextTask : public Task {
 public:
  explicit CreateContextTask(std::shared_ptr<Environment> env) : env_(std::move(env)) {}

  void Run(Environment& env, TaskControl& control) override {
    v8::Isolate* isolate = env.isolate();
    v8::TryCatch try_catch(isolate);
    std::string setup_overrun;
    v8::Local<v8::Context> context = env.NewContext(&setup_overrun);
    if (context.IsEmpty()) {
      if (env.memory_exceeded()) {
        error = MemoryLimitError();
      } else if (!setup_overrun.empty()) {
        error = std::make_unique<ErrorCopy>("Error", setup_overrun);
      } else if (v8::Local<v8::Context> any;
                 try_catch.HasCaught() && !try_catch.HasTerminated() && !(any = env.DefaultContext()).IsEmpty()) {
        error = ErrorCopy::Capture(isolate, any, try_catch.Exception(), try_catch.Message());
      } else {
        error = std::make_unique<ErrorCopy>("Error", "Could not create a context");
      }
      return;
    }
    id_ = env.NewHandleId();
    env.contexts().Put(id_, isolate, context);
    global_id_ = env.NewHandleId();
    env.values().Put(global_id_, isolate, context->Global());
  }

  Napi::Value Finish(Napi::Env env) override {
    auto data = std::make_shared<ContextHandle::Data>();
    data->env = env_;
    data->id = id_;
    data->global = std::make_shared<RemoteValue>();
    data->global->owner = env_;
    data->global->id = global_id_;
    data->global->type_of = "object";
    return Addon::Of(env).context_class.New(InternalArgs(env, std::move(data)));
  }

 private:
  std::shared_ptr<Environment> env_;
  uint64_t id_ = 0;
  uint64_t global_id_ = 0;
};

// getHeapStatistics' fields, in order: V8's own, then the ArrayBuffer bytes counted against the cap.
struct HeapField {
  const char* name;
  double (*read)(v8::HeapStatistics& stats, size_t external);  // V8's getters are not const
};
constexpr HeapField kHeapFields[] = {
    {"total_heap_size", [](v8::HeapStatistics& s, size_t) { return double(s.total_heap_size()); }},
    {"total_heap_size_executable",
     [](v8::HeapStatistics& s, size_t) { return double(s.total_heap_size_executable()); }},
    {"total_physical_size", [](v8::HeapStatistics& s, size_t) { return double(s.total_physical_size()); }},
    {"total_available_size", [](v8::HeapStatistics& s, size_t) { return double(s.total_available_size()); }},
    {"used_heap_size", [](v8::HeapStatistics& s, size_t) { return double(s.used_heap_size()); }},
    {"heap_size_limit", [](v8::HeapStatistics& s, size_t) { return double(s.heap_size_limit()); }},
    {"malloced_memory", [](v8::HeapStatistics& s, size_t) { return double(s.malloced_memory()); }},
    {"peak_malloced_memory", [](v8::HeapStatistics& s, size_t) { return double(s.peak_malloced_memory()); }},
    {"does_zap_garbage", [](v8::HeapStatistics& s, size_t) { return double(s.does_zap_garbage()); }},
    {"number_of_native_contexts", [](v8::HeapStatistics& s, size_t) { return double(s.number_of_native_contexts()); }},
    {"number_of_detached_contexts",
     [](v8::HeapStatistics& s, size_t) { return double(s.number_of_detached_contexts()); }},
    {"total_global_handles_size", [](v8::HeapStatistics& s, size_t) { return double(s.total_global_handles_size()); }},
    {"used_global_handles_size", [](v8::HeapStatistics& s, size_t) { return double(s.used_global_handles_size()); }},
    {"external_memory", [](v8::HeapStatistics& s, size_t) { return double(s.external_memory()); }},
    {"externally_allocated_size", [](v8::HeapStatistics&, size_t external) { return double(external); }},
};
constexpr size_t kHeapFieldCount = std::size(kHeapFields);

class HeapStatisticsTask : public Task {
 public:
  void Run(Environment& env, TaskControl& control) override {
    env.isolate()->GetHeapStatistics(&stats_);
    external_ = env.external_bytes();
  }

  Napi::Value Finish(Napi::Env env) override {
    napi_value argv[kHeapFieldCount];
    for (size_t i = 0; i < kHeapFieldCount; ++i)
      argv[i] = Napi::Number::New(env, kHeapFields[i].read(stats_, external_));
    return Addon::Of(env).heap_statistics_object.Value().Call(kHeapFieldCount, argv);
  }

 private:
  v8::HeapStatistics stats_;
  size_t external_ = 0;
};

// getUsedHeapSize: used_heap_size alone. V8's full statistics also count the isolate's contexts by
// walking every one not yet collected: read after each request of a server that makes a context per
// request, that walk took ~3% of the server's CPU.
class UsedHeapSizeTask : public Task {
 public:
  void Run(Environment& env, TaskControl& control) override { used_ = env.UsedHeapSize(); }
  Napi::Value Finish(Napi::Env env) override { return Napi::Number::New(env, double(used_)); }

 private:
  size_t used_ = 0;
};

int IntegerOption(Napi::Object options, const char* key, const std::string& what) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return 0;
  if (!value.IsNumber()) args::ThrowType(options.Env(), what + " option '" + key + "' must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::floor(number) != number || std::fabs(number) > 1e9) {
    args::ThrowRange(options.Env(), what + " option '" + key + "' must be an integer");
  }
  return int(number);
}

// isorun has no inspector; asking for one is an error, not a silent no-op.
void RefuseInspector(Napi::Object options, const std::string& what) {
  Napi::Value inspector = options.Get("inspector");
  if (!inspector.IsUndefined() && inspector.ToBoolean()) {
    throw Napi::Error::New(options.Env(), what + ": option 'inspector' is not supported by isorun");
  }
}

// The data of an ExternalCopy handle passed as an option.
std::shared_ptr<ExternalCopyData> ExternalCopyOf(Napi::Value value, const std::string& what) {
  if (!HasTag(value.Env(), value, kExternalCopyTag)) args::ThrowType(value.Env(), what + " must be an ExternalCopy");
  auto data = ExternalCopyHandle::Unwrap(value.As<Napi::Object>())->data();
  if (!data) throw Napi::Error::New(value.Env(), what + " has been released");
  return data;
}

}  // namespace

IsolateHandle::IsolateHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<IsolateHandle>(info) {
  Napi::Env env = info.Env();
  Tag(env, info.This().As<Napi::Object>(), kIsolateTag);
  Napi::Object options = args::Options(info, 0, "Isolate");
  Environment::Options settings;
  Napi::Value limit = options.Get("memoryLimit");
  if (!limit.IsUndefined()) {
    if (!limit.IsNumber()) args::ThrowType(env, "Isolate: option 'memoryLimit' must be a number (MB)");
    double megabytes = limit.As<Napi::Number>().DoubleValue();
    // At most 512: with room for a 700 MB array, plain guest code (`for (;;) a.push(0)`) grows one past
    // V8's largest (2^27 - 2 elements), a fatal error that aborts the process (measured: 512 MB is
    // stopped by the cap, 640 MB and up abort).
    if (!std::isfinite(megabytes) || megabytes < 8 || megabytes > 512) {
      args::ThrowRange(env, "Isolate: option 'memoryLimit' must be from 8 to 512 (MB)");
    }
    settings.memory_limit_bytes = size_t(megabytes * 1024 * 1024);
  }
  RefuseInspector(options, "Isolate");
  Napi::Value snapshot = options.Get("snapshot");
  if (!snapshot.IsUndefined()) {
    auto data = ExternalCopyOf(snapshot, "Isolate: option 'snapshot'");
    std::string error;
    settings.context_setup = Addon::Of(env).SnapshotFrom(data, &error);
    if (!settings.context_setup) throw Napi::Error::New(env, "Isolate: option 'snapshot' is unusable: " + error);
  }
  env_ = Addon::Of(env).NewEnvironment(std::move(settings));
}

namespace {
const ReceiverCheck kIsDisposedCheck{&kIsolateTag, "Isolate.isDisposed: 'this' must be an Isolate"};
const ReceiverCheck kCpuTimeCheck{&kIsolateTag, "Isolate.cpuTime: 'this' must be an Isolate"};
const ReceiverCheck kWallTimeCheck{&kIsolateTag, "Isolate.wallTime: 'this' must be an Isolate"};
}  // namespace

Napi::Function IsolateHandle::Define(Napi::Env env) {
  Napi::Function constructor =
      DefineClass(env, "Isolate",
                  {
                      InstanceMethod("compileScript", &IsolateHandle::CompileScript<Mode::kAsync>),
                      InstanceMethod("compileScriptSync", &IsolateHandle::CompileScript<Mode::kSync>),
                      InstanceMethod("createContext", &IsolateHandle::CreateContext<Mode::kAsync>),
                      InstanceMethod("createContextSync", &IsolateHandle::CreateContext<Mode::kSync>),
                      InstanceMethod("getHeapStatistics", &IsolateHandle::GetHeapStatistics<Mode::kAsync>),
                      InstanceMethod("getHeapStatisticsSync", &IsolateHandle::GetHeapStatistics<Mode::kSync>),
                      InstanceMethod("getUsedHeapSize", &IsolateHandle::GetUsedHeapSize<Mode::kAsync>),
                      InstanceMethod("getUsedHeapSizeSync", &IsolateHandle::GetUsedHeapSize<Mode::kSync>),
                      InstanceMethod("dispose", &IsolateHandle::Dispose),
                      StaticMethod("createSnapshot", &IsolateHandle::CreateSnapshot),
                  });
  DefineGetters(constructor,
                {
                    CheckedAccessor<IsolateHandle, &IsolateHandle::IsDisposed>("isDisposed", kIsDisposedCheck),
                    CheckedAccessor<IsolateHandle, &IsolateHandle::CpuTime>("cpuTime", kCpuTimeCheck),
                    CheckedAccessor<IsolateHandle, &IsolateHandle::WallTime>("wallTime", kWallTimeCheck),
                });
  return constructor;
}

template <Mode mode>
Napi::Value IsolateHandle::CompileScript(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = MethodName(mode, "compileScript");
  if (mode != Mode::kAsync) Live(env, env_);
  Napi::String code = args::String(info, 0, name + ": 'code'");
  Napi::Object options = args::Options(info, 1, name);
  Napi::Value filename = options.Get("filename");
  if (filename.IsUndefined()) {
    filename = Napi::String::New(env, "<isorun>");
  } else if (!filename.IsString()) {
    args::ThrowType(env, name + ": option 'filename' must be a string");
  }
  int line_offset = IntegerOption(options, "lineOffset", name);
  int column_offset = IntegerOption(options, "columnOffset", name);
  bool produce_cache = args::Bool(options, "produceCachedData", name);
  std::shared_ptr<ExternalCopyData> cached_data;
  Napi::Value cached = options.Get("cachedData");
  if (!cached.IsUndefined()) {
    if (produce_cache) {
      args::ThrowType(env, name + ": options 'produceCachedData' and 'cachedData' cannot be used together");
    }
    cached_data = ExternalCopyOf(cached, name + ": option 'cachedData'");
  }
  auto task = std::make_unique<CompileTask>(env_, convert::ToTransferable(env, code, TransferMode::kValue, "code"),
                                            convert::ToTransferable(env, filename, TransferMode::kValue, "filename"),
                                            line_offset, column_offset, produce_cache, std::move(cached_data));
  return Dispatch(env, env_, std::move(task), mode);
}

template <Mode mode>
Napi::Value IsolateHandle::CreateContext(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = MethodName(mode, "createContext");
  if (mode != Mode::kAsync) Live(env, env_);
  Napi::Object options = args::Options(info, 0, name);
  RefuseInspector(options, name);
  return Dispatch(env, env_, std::make_unique<CreateContextTask>(env_), mode);
}

template <Mode mode>
Napi::Value IsolateHandle::GetHeapStatistics(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (mode != Mode::kAsync) Live(env, env_);
  return Dispatch(env, env_, std::make_unique<HeapStatisticsTask>(), mode);
}

template <Mode mode>
Napi::Value IsolateHandle::GetUsedHeapSize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (mode != Mode::kAsync) Live(env, env_);
  return Dispatch(env, env_, std::make_unique<UsedHeapSizeTask>(), mode);
}

Napi::Value IsolateHandle::Dispose(const Napi::CallbackInfo& info) {
  Live(info.Env(), env_);
  if (env_->HeldByCurrentThread()) {
    throw Napi::Error::New(info.Env(), "An isolate cannot be disposed from code running inside it");
  }
  env_->Dispose();
  return info.Env().Undefined();
}

Napi::Value IsolateHandle::IsDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), env_->disposed());
}

Napi::Value IsolateHandle::CpuTime(const Napi::CallbackInfo& info) {
  Live(info.Env(), env_);
  return Napi::BigInt::New(info.Env(), uint64_t(env_->cpu_ns()));
}

Napi::Value IsolateHandle::WallTime(const Napi::CallbackInfo& info) {
  Live(info.Env(), env_);
  return Napi::BigInt::New(info.Env(), uint64_t(env_->wall_ns()));
}

Napi::Value IsolateHandle::CreateSnapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArray()) args::ThrowType(env, "createSnapshot: 'scripts' must be an array");
  Napi::Array list = info[0].As<Napi::Array>();
  std::vector<SnapshotScript> scripts;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    std::string what = "createSnapshot: scripts[" + std::to_string(i) + "]";
    Napi::Value entry = list.Get(i);
    if (!entry.IsObject()) args::ThrowType(env, what + " must be an object");
    Napi::Object object = entry.As<Napi::Object>();
    Napi::Value code = object.Get("code");
    if (!code.IsString()) args::ThrowType(env, what + ".code must be a string");
    SnapshotScript script;
    script.source = code.As<Napi::String>().Utf8Value();
    Napi::Value filename = object.Get("filename");
    if (filename.IsUndefined()) {
      script.filename = "<snapshot-" + std::to_string(i) + ">";
    } else if (filename.IsString()) {
      script.filename = filename.As<Napi::String>().Utf8Value();
    } else {
      args::ThrowType(env, what + ".filename must be a string");
    }
    script.line_offset = IntegerOption(object, "lineOffset", what);
    script.column_offset = IntegerOption(object, "columnOffset", what);
    scripts.push_back(std::move(script));
  }
  std::string warmup;
  if (info.Length() > 1 && !info[1].IsUndefined()) {
    if (!info[1].IsString()) args::ThrowType(env, "createSnapshot: 'warmup_script' must be a string");
    warmup = info[1].As<Napi::String>().Utf8Value();
  }
  Environment::Options settings;
  settings.memory_limit_bytes = size_t{256} << 20;
  auto builder = Addon::Of(env).NewEnvironment(std::move(settings), /*ahead=*/false);
  std::shared_ptr<Snapshot> snapshot;
  std::string error;
  {
    Environment::Lock lock(*builder);
    snapshot = Snapshot::Build(*builder, std::move(scripts), warmup, ContextSetup::kScriptTimeoutMs, &error);
  }
  builder->Dispose();
  if (!snapshot) throw Napi::Error::New(env, "createSnapshot: " + error);
  return NewExternalCopyObject(env, ExternalCopyData::FromBytes(snapshot->Serialize()));
}

Napi::Function MakeHeapStatisticsObjectFunction(Napi::Env env) {
  // (name1, name2, ...) => ({ name1, name2, ... }): one call with a fixed shape, where 15 named stores
  // cost Node's thread a key lookup and a transition each.
  std::string names;
  for (const HeapField& field : kHeapFields) names += std::string(names.empty() ? "" : ", ") + field.name;
  std::string text = "(function (" + names + ") { return { " + names + " }; })";
  napi_value source;
  napi_value result;
  NAPI_THROW_IF_FAILED(env, napi_create_string_utf8(env, text.data(), text.size(), &source), Napi::Function());
  NAPI_THROW_IF_FAILED(env, napi_run_script(env, source, &result), Napi::Function());
  return Napi::Function(env, result);
}

}  // namespace isorun
