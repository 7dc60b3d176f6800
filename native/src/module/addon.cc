#include "module/addon.h"

#include <algorithm>
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

}  // namespace

Addon::Addon(Napi::Env env, Napi::Object exports) : env_(env) {
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  pool_ = std::make_unique<ThreadPool>(threads, kEngineThreadStack);
  timers_ = std::make_unique<TimerThread>();
  services_ = Services{pool_.get(), timers_.get(), CurrentPlatform(), &counters_};
  host_values_ = convert::NewHostValues();
  internal_token = Napi::Persistent(Napi::Object::New(env));
  heap_statistics_object = Napi::Persistent(MakeHeapStatisticsObjectFunction(env));

  napi_value name;
  napi_create_string_utf8(env, "isorun:completions", NAPI_AUTO_LENGTH, &name);
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr,
                                                                 this, &Addon::CallJs, &completions_));
  napi_unref_threadsafe_function(env, completions_);
  uv_loop_t* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  spin_ = std::make_unique<LoopSpin>(loop);
  napi_add_env_cleanup_hook(env, &Addon::CleanupHook, this);

  DefineClasses(env, exports, *this);
  DefineAddon(exports, {
                           InstanceMethod("shutdown", &Addon::ShutdownMethod),
                           InstanceMethod("stats", &Addon::Stats),
                       });
}

Addon::~Addon() { Shutdown(); }

void Addon::CleanupHook(void* data) { static_cast<Addon*>(data)->Shutdown(); }

std::shared_ptr<Environment> Addon::NewEnvironment(Environment::Options options) {
  if (shut_down_) throw Napi::Error::New(Napi::Env(env_), "isorun: the engine has shut down");
  auto env = Environment::Create(services_, std::move(options));
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
  if (outstanding_++ == 0) napi_ref_threadsafe_function(env_, completions_);
  if (spin_ && awaited) spin_->Posted();
}

void Addon::PostCompletion(std::unique_ptr<Completion> completion) {
  if (completions_ == nullptr) return;
  if (napi_call_threadsafe_function(completions_, completion.get(), napi_tsfn_nonblocking) == napi_ok) {
    completion.release();
  }
}

void Addon::CallJs(napi_env env, napi_value callback, void* context, void* data) {
  std::unique_ptr<Completion> completion(static_cast<Completion*>(data));
  if (env == nullptr) return;
  static_cast<Addon*>(context)->Complete(Napi::Env(env), std::move(completion));
}

void Addon::Complete(Napi::Env env, std::unique_ptr<Completion> completion) {
  if (--outstanding_ == 0 && completions_ != nullptr) napi_unref_threadsafe_function(env, completions_);
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
  for (auto& weak : environments_) {
    if (auto env = weak.lock()) env->Dispose();
  }
  environments_.clear();
  pool_->Stop();
  timers_->Stop();
  if (completions_ != nullptr) {
    napi_release_threadsafe_function(completions_, napi_tsfn_abort);
    completions_ = nullptr;
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
  stats.Set("poolThreads", double(pool_->size()));
  return stats;
}

}  // namespace isorun

using isorun::Addon;
NODE_API_ADDON(Addon)
