// The engine as one Node environment sees it: threads, watchdog, guests, and the way results come home.
#pragma once

#include <memory>
#include <vector>

#include <napi.h>

#include "isolate/environment.h"
#include "isolate/services.h"
#include "isolate/spare_isolate.h"
#include "lib/thread_pool.h"
#include "lib/timer_thread.h"
#include "module/completion_queue.h"
#include "module/loop_spin.h"
#include "transfer/external_copy.h"
#include "transfer/transferable.h"

namespace isorun {

class Task;

// An asynchronous task on its way back to the Node thread.
struct Completion {
  std::unique_ptr<Task> task;
  napi_deferred deferred = nullptr;  // null for "ignored" calls
  class Addon* addon = nullptr;
  Completion* next = nullptr;  // while queued (CompletionQueue)
};

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports);
  ~Addon();

  static Addon& Of(Napi::Env env) { return *env.GetInstanceData<Addon>(); }

  // `ahead`: take the isolate made ahead for these options, and make the next (SpareIsolate); a
  // one-off (a snapshot's builder) leaves the spare to the isolates users create.
  std::shared_ptr<Environment> NewEnvironment(Environment::Options options, bool ahead = true);
  const Services& services() const { return services_; }
  const std::shared_ptr<HostValues>& host_values() const { return host_values_; }
  // A snapshot bundle read and verified once per ExternalCopy, however many isolates boot from it.
  std::shared_ptr<const ContextSetup> SnapshotFrom(const std::shared_ptr<ExternalCopyData>& data, std::string* error);

  // Node thread: an async task starts (keeps the event loop alive until it completes); `awaited` when
  // a promise waits for it (not an ignored call).
  void BeginAsync(bool awaited);
  // Any thread: deliver a finished task to the Node thread.
  void PostCompletion(std::unique_ptr<Completion> completion);
  void Shutdown();

  Napi::FunctionReference reference_class;
  Napi::FunctionReference external_copy_class;
  Napi::FunctionReference transferred_class;
  Napi::FunctionReference context_class;
  Napi::FunctionReference script_class;
  Napi::ObjectReference internal_token;
  // The data of the handle object being constructed (handles.h, InternalArgs); Node thread only.
  std::shared_ptr<void> constructing;
  const void* constructing_type = nullptr;
  // Builds getHeapStatistics' objects (MakeHeapStatisticsObjectFunction, classes.h).
  Napi::FunctionReference heap_statistics_object;

 private:
  Napi::Value ShutdownMethod(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  // Node thread: resolves the promises of the completions linked from `first`, oldest first.
  static void Deliver(void* self, Completion* first);
  static void CleanupHook(void* data);
  // Node's at-exit hook (process.exit); `token` is an ExitToken.
  static void AtExitHook(void* token);
  void Complete(Napi::Env env, std::unique_ptr<Completion> completion);

  napi_env env_;
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<TimerThread> timers_;
  std::unique_ptr<BackgroundQueue> retirer_;
  EngineCounters counters_;
  Services services_;
  std::unique_ptr<SpareIsolate> spare_;
  std::shared_ptr<HostValues> host_values_;
  std::unique_ptr<CompletionQueue> completions_;
  // The async context the promises are settled in (one callback scope per batch of completions).
  napi_async_context async_context_ = nullptr;
  size_t outstanding_ = 0;
  std::unique_ptr<LoopSpin> spin_;
  bool shut_down_ = false;
  // What the at-exit hook holds: this Addon until it is destroyed (then null), so that a hook run after
  // the environment's cleanup finds nothing to stop.
  struct ExitToken {
    Addon* addon;
  };
  ExitToken* exit_token_ = nullptr;
  std::vector<std::weak_ptr<Environment>> environments_;
  std::vector<std::pair<std::weak_ptr<ExternalCopyData>, std::shared_ptr<const ContextSetup>>> snapshots_;
};

}  // namespace isorun
