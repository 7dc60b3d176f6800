#include "module/addon.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <thread>

#include "isolate/snapshot.h"
#include "module/classes.h"
#include "module/convert.h"
#include "module/task.h"

namespace isorun {

namespace {
// Guests recurse deep; V8 keeps its own limit ~1 MB below where a thread enters, so give room.
constexpr size_t kEngineThreadStack = size_t{8} << 20;

node::MultiIsolatePlatform* CurrentPlatform() {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  return node::GetMultiIsolatePlatform(node::GetCurrentEnvironment(isolate->GetCurrentContext()));
}

// Node's startup snapshot must be off (engine facts in ARCHITECTURE.md): guest isolates share Node's
// read-only heap and, started from another blob, run with broken built-ins (`Math.E` undefined).
constexpr const char* kSnapshotFlag = "--no-node-snapshot";

// NODE_OPTIONS entries may be quoted (`"--no-node-snapshot" --import=x`), as Node itself accepts.
bool InNodeOptions(const char* options) {
  std::string text = options == nullptr ? "" : options;
  size_t at = 0;
  while (at < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[at]))) {
      ++at;
      continue;
    }
    char quote = text[at] == '"' || text[at] == '\'' ? text[at] : '\0';
    size_t start = quote ? at + 1 : at;
    size_t end = quote ? text.find(quote, start) : start;
    if (!quote) {
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    }
    if (end == std::string::npos) end = text.size();
    if (text.compare(start, end - start, kSnapshotFlag) == 0) return true;
    at = end + (quote ? 1 : 0);
  }
  return false;
}

void RequireSnapshotFlag(Napi::Env env) {
  Napi::Value exec_argv = env.Global().Get("process").As<Napi::Object>().Get("execArgv");
  if (exec_argv.IsArray()) {
    Napi::Array list = exec_argv.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      Napi::Value entry = list.Get(i);
      if (entry.IsString() && entry.As<Napi::String>().Utf8Value() == kSnapshotFlag) return;
    }
  }
  if (InNodeOptions(std::getenv("NODE_OPTIONS"))) return;
  throw Napi::Error::New(env, std::string("isorun/native needs Node's startup snapshot turned off: guest isolates ") +
                                  "share Node's read-only heap and would run with broken built-ins. Start node with " +
                                  kSnapshotFlag + " (for example `node " + kSnapshotFlag +
                                  " app.js`, or NODE_OPTIONS=" + kSnapshotFlag + ").");
}

}  // namespace

Addon::Addon(Napi::Env env, Napi::Object exports) : env_(env) {
  // Checked here, not only by the facade: the .node file can be required on its own.
  RequireSnapshotFlag(env);
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  pool_ = std::make_unique<ThreadPool>(threads, kEngineThreadStack);
  timers_ = std::make_unique<TimerThread>();
  retirer_ = std::make_unique<BackgroundQueue>("isorun-free");
  services_ = Services{pool_.get(), timers_.get(), retirer_.get(), CurrentPlatform(), &counters_};
  spare_ = std::make_unique<SpareIsolate>(services_);
  host_values_ = convert::NewHostValues();
  internal_token = Napi::Persistent(Napi::Object::New(env));
  heap_statistics_object = Napi::Persistent(MakeHeapStatisticsObjectFunction(env));

  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  completions_ = std::make_unique<CompletionQueue>(loop, &Addon::Deliver, this);
  if (!completions_->ok()) throw Napi::Error::New(env, "isorun: could not watch the event loop for results");
  napi_value name;
  napi_create_string_utf8(env, "isorun:completions", NAPI_AUTO_LENGTH, &name);
  NAPI_THROW_IF_FAILED_VOID(env, napi_async_init(env, nullptr, name, &async_context_));
  spin_ = std::make_unique<LoopSpin>(loop);
  napi_add_env_cleanup_hook(env, &Addon::CleanupHook, this);
  // process.exit() runs Node's at-exit hooks and then frees the platform without any cleanup hook: the
  // 'exit' listener (native/index.ts) stops the engine first, but not when the addon is loaded on its
  // own or an earlier 'exit' listener calls process.exit() again. Engine threads still freeing an
  // isolate then called into the freed platform (SIGSEGV in 3-4 exits of 10).
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  if (node::Environment* node_env = node::GetCurrentEnvironment(isolate->GetCurrentContext())) {
    exit_token_ = new ExitToken{this};
    node::AtExit(node_env, &Addon::AtExitHook, exit_token_);
  }

  DefineClasses(env, exports, *this);
  DefineAddon(exports, {
                           InstanceMethod("shutdown", &Addon::ShutdownMethod),
                           InstanceMethod("stats", &Addon::Stats),
                       });
}

Addon::~Addon() {
  Shutdown();
  if (exit_token_ != nullptr) exit_token_->addon = nullptr;
}

void Addon::CleanupHook(void* data) { static_cast<Addon*>(data)->Shutdown(); }

void Addon::AtExitHook(void* token) {
  auto* exit_token = static_cast<ExitToken*>(token);
  if (Addon* addon = exit_token->addon) {
    addon->exit_token_ = nullptr;
    addon->Shutdown();
  }
  delete exit_token;
}

std::shared_ptr<Environment> Addon::NewEnvironment(Environment::Options options, bool ahead) {
  if (shut_down_) throw Napi::Error::New(Napi::Env(env_), "isorun: the engine has shut down");
  std::shared_ptr<Environment> env;
  if (ahead) {
    env = spare_->Take(options);
  } else {
    env = Environment::Create(services_, std::move(options));
    env->Adopt();
  }
  environments_.erase(std::remove_if(environments_.begin(), environments_.end(),
                                     [](const std::weak_ptr<Environment>& e) { return e.expired(); }),
                      environments_.end());
  environments_.push_back(env);
  return env;
}

std::shared_ptr<const ContextSetup> Addon::SnapshotFrom(const std::shared_ptr<ExternalCopyData>& data,
                                                        std::string* error) {
  snapshots_.erase(
      std::remove_if(snapshots_.begin(), snapshots_.end(), [](const auto& entry) { return entry.first.expired(); }),
      snapshots_.end());
  for (const auto& entry : snapshots_) {
    if (entry.first.lock() == data) return entry.second;
  }
  const uint8_t* bytes = nullptr;
  size_t length = 0;
  if (!data->Bytes(&bytes, &length)) {
    *error = "it must be an ExternalCopy of an ArrayBuffer";
    return nullptr;
  }
  std::shared_ptr<const ContextSetup> snapshot = Snapshot::Parse(bytes, length, error);
  if (snapshot) snapshots_.emplace_back(data, snapshot);
  return snapshot;
}

void Addon::BeginAsync(bool awaited) {
  if (outstanding_++ == 0) completions_->Ref();
  if (spin_ && awaited) spin_->Posted();
}

void Addon::PostCompletion(std::unique_ptr<Completion> completion) { completions_->Push(std::move(completion)); }

void Addon::Deliver(void* self, Completion* first) {
  auto* addon = static_cast<Addon*>(self);
  Napi::Env env(addon->env_);
  Napi::HandleScope scope(env);
  // One callback scope for the batch: closing it runs the microtasks (the awaiting code) and ticks.
  napi_callback_scope callback_scope = nullptr;
  napi_open_callback_scope(env, addon->internal_token.Value(), addon->async_context_, &callback_scope);
  for (Completion* next = first; next != nullptr;) {
    std::unique_ptr<Completion> completion(next);
    next = next->next;
    addon->Complete(env, std::move(completion));
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) == napi_ok && pending) {
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error);
    }
  }
  if (callback_scope != nullptr) napi_close_callback_scope(env, callback_scope);
}

void Addon::Complete(Napi::Env env, std::unique_ptr<Completion> completion) {
  if (--outstanding_ == 0) completions_->Unref();
  if (completion->deferred == nullptr) return;
  if (spin_) spin_->Completed();
  Napi::HandleScope scope(env);
  try {
    if (completion->task->error) {
      Napi::Value reason = convert::FromTransferable(env, *completion->task->error);
      napi_reject_deferred(env, completion->deferred, reason);
    } else {
      Napi::Value value = completion->task->Finish(env);
      napi_resolve_deferred(env, completion->deferred, value);
    }
  } catch (const Napi::Error& error) {
    napi_reject_deferred(env, completion->deferred, error.Value());
  }
}

void Addon::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (spin_) spin_->Close();
  spare_->Stop();
  for (auto& weak : environments_) {
    if (auto env = weak.lock()) env->Dispose();
  }
  environments_.clear();
  // Frees the heaps given to it, while the pool and the timers still run for them.
  retirer_->Stop();
  pool_->Stop();
  timers_->Stop();
  // No other thread pushes any more: the pool and the timers have stopped.
  completions_->Close();
  if (async_context_ != nullptr) {
    napi_async_destroy(env_, async_context_);
    async_context_ = nullptr;
  }
}

Napi::Value Addon::ShutdownMethod(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

Napi::Value Addon::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object stats = Napi::Object::New(env);
  double created = double(counters_.isolates_created.load());
  double disposed = double(counters_.isolates_disposed.load());
  stats.Set("isolatesCreated", created);
  stats.Set("isolatesDisposed", disposed);
  stats.Set("isolatesAlive", created - disposed);
  stats.Set("isolatesMadeAhead", double(counters_.isolates_made_ahead.load()));
  stats.Set("isolatesReadyAhead", double(spare_->ready()));
  stats.Set("poolThreads", double(pool_->size()));
  stats.Set("isolatesBeingFreed", double(retirer_->pending()));
  return stats;
}

}  // namespace isorun

using isorun::Addon;
NODE_API_ADDON(Addon)
