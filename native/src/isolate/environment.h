// One guest isolate's life: creation, its queue of work, the lock every entry takes, disposal.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <v8.h>

#include "isolate/handle_table.h"
#include "isolate/limited_allocator.h"
#include "isolate/services.h"
#include "isolate/task_runner.h"

namespace isorun {

// Thrown (C++ only, never across V8 frames) when work reaches an isolate that is gone.
class DisposedError : public std::runtime_error {
 public:
  explicit DisposedError(const char* message) : std::runtime_error(message) {}
};

// Thrown when a thread that already holds an isolate's lock asks for it again.
class ReentryError : public std::runtime_error {
 public:
  ReentryError()
      : std::runtime_error(
            "Calling a synchronous method of an isolate from code already running in that isolate is not allowed") {}
};

// Scripts every new context runs before anyone sees it (a snapshot's). Compile runs once per
// isolate, in an entered context; false with an exception pending when it fails.
class ContextSetup {
 public:
  // Each script, with the jobs it queued, runs within this when a snapshot is built and again in every
  // new context: a replay can take another path than the build did (it can read the clock).
  static constexpr uint64_t kScriptTimeoutMs = 5000;
  virtual ~ContextSetup() = default;
  virtual bool Compile(v8::Isolate* isolate, std::vector<v8::Global<v8::UnboundScript>>* scripts) const = 0;
};

enum class HandleKind { kValue, kContext, kScript };

class RunGuard;

class Environment : public PlatformTaskSink, public std::enable_shared_from_this<Environment> {
 public:
  struct Options {
    size_t memory_limit_bytes = 128u << 20;
    std::shared_ptr<const ContextSetup> context_setup;
  };

  // Work queued on this isolate: Run() executes under the lock on an engine thread; Cancel() is
  // called instead (on any thread) when the isolate goes away first.
  class Job {
   public:
    virtual ~Job() = default;
    virtual void Run(Environment& env) = 0;
    // `reason`: the message of the error that the job's caller gets.
    virtual void Cancel(const char* reason) = 0;
  };

  // An operation waiting for a guest promise; cancelled if the isolate goes away first.
  class Suspended {
   public:
    virtual ~Suspended() = default;
    virtual void Cancel(const char* reason) = 0;
  };

  // Engine mutex → v8::Locker → Isolate::Scope → HandleScope. Throws DisposedError / ReentryError.
  class Lock {
   public:
    explicit Lock(Environment& env);
    ~Lock();
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

   private:
    Environment& env_;
    std::unique_lock<std::mutex> exec_;
    std::optional<v8::Locker> locker_;
    std::optional<v8::Isolate::Scope> isolate_scope_;
    std::optional<v8::HandleScope> handle_scope_;
  };

  static std::shared_ptr<Environment> Create(const Services& services, Options options);
  // For an isolate made ahead (SpareIsolate), on the thread that made it: loads what every isolate
  // loads before its first context (the guards' code), so that the first context does not wait for it.
  void Prepare();
  // The isolate now belongs to a caller: the engine's counts include it from here on.
  void Adopt();
  // The Environment of a guest isolate (from inside a callback running in it).
  static Environment* From(v8::Isolate* isolate) { return static_cast<Environment*>(isolate->GetData(0)); }
  ~Environment() override;

  void Post(std::unique_ptr<Job> job);
  void PostPlatformTask(std::unique_ptr<v8::Task> task, double delay_seconds) override;
  // Under Lock: runs one of V8's own tasks for this isolate. Some run guest JavaScript outside any
  // call (FinalizationRegistry callbacks); past kPlatformTaskBudget that code is terminated and the
  // isolate disposed, as no caller's timeout covers it.
  void RunPlatformTask(v8::Task& task);
  static constexpr std::chrono::milliseconds kPlatformTaskBudget{200};

  // Stops any run, cancels queued work and frees the isolate. Any thread not holding the lock.
  void Dispose();
  // True from the moment the memory limit was hit: the isolate is being torn down, whatever thread does it.
  bool disposed() const { return disposing_.load() || memory_exceeded_.load() || platform_task_overran_.load(); }
  // What calls to a disposed isolate fail with: why it went, when that was not its owner's doing.
  const char* disposed_message() const {
    return platform_task_overran_.load() ? "Isolate is disposed: guest code that V8 ran outside any call (a "
                                           "FinalizationRegistry callback) ran past 200 ms"
                                         : "Isolate is disposed";
  }
  // True on the thread that holds this isolate's lock.
  bool HeldByCurrentThread() const;

  // Valid only under Lock.
  v8::Isolate* isolate() const { return isolate_; }
  // Under Lock; empty with an exception pending on failure, or, when a snapshot script or the jobs it
  // queued ran past ContextSetup::kScriptTimeoutMs (the termination cancelled), with *setup_overrun
  // saying which. Each context has its own microtask queue: a guest's pending jobs run only in calls
  // to its own context (RunMicrotasks), never in another's.
  v8::Local<v8::Context> NewContext(std::string* setup_overrun = nullptr);
  // Runs the jobs queued by guest code of `context` (a microtask checkpoint). Under Lock.
  static void RunMicrotasks(v8::Local<v8::Context> context);
  v8::Local<v8::Context> DefaultContext();  // a context for work that needs one but has none

  uint64_t NewHandleId() { return next_handle_id_.fetch_add(1); }
  HandleTable<v8::Value>& values() { return values_; }
  HandleTable<v8::Context>& contexts() { return contexts_; }
  HandleTable<v8::UnboundScript>& scripts() { return scripts_; }
  // Thread-safe: the handle is dropped at the next entry into the isolate.
  void Release(HandleKind kind, uint64_t id);

  // Data that lives as long as a guest object or, at the latest, the isolate (weak callbacks do not
  // run on disposal). Under Lock.
  class Owned {
   public:
    virtual ~Owned() = default;
  };
  void AddOwned(std::unique_ptr<Owned> owned) { owned_.emplace(owned.get(), std::move(owned)); }
  void FreeOwned(Owned* owned) { owned_.erase(owned); }
  // Per-isolate function templates by slot (guest-side classes). Under Lock.
  v8::Local<v8::FunctionTemplate> Template(size_t slot);
  void SetTemplate(size_t slot, v8::Local<v8::FunctionTemplate> value);

  uint64_t AddSuspended(std::unique_ptr<Suspended> op);   // under Lock
  std::unique_ptr<Suspended> TakeSuspended(uint64_t id);  // under Lock; null if gone

  // Memory cap.
  bool memory_exceeded() const { return memory_exceeded_.load(); }
  // Bytes of stack the guest has left on this thread before V8's limit (set in Lock).
  size_t StackRoom() const;
  size_t memory_limit() const { return allocator_->limit(); }
  size_t external_bytes() const { return allocator_->used(); }
  // V8's used_heap_size, read from the heap spaces (without GetHeapStatistics' walk over every context
  // not yet collected). Needs the isolate's lock.
  size_t UsedHeapSize();
  const std::shared_ptr<LimitedAllocator>& allocator() const { return allocator_; }
  // Heap used after the last GC (no lock needed).
  size_t heap_used_estimate() const { return heap_used_.load(std::memory_order_relaxed); }

  // Time spent inside the isolate, in nanoseconds. cpu: running guest code on a thread (measured
  // with the steady clock, as isolated-vm does: the thread CPU clock is a ~1 µs system call here);
  // wall: holding the isolate's lock for any work.
  void AddRunTime(uint64_t ns) { cpu_ns_.fetch_add(ns, std::memory_order_relaxed); }
  // Adds the lock time since the last call (or since the lock was taken); under Lock. Called
  // before a result is delivered, so that the caller already sees the time of its call.
  void AccountLockTime();
  uint64_t cpu_ns() const { return cpu_ns_.load(std::memory_order_relaxed); }
  uint64_t wall_ns() const { return wall_ns_.load(std::memory_order_relaxed); }

  const Services& services() const { return services_; }

  // The running RunGuard made with `locate` (and its token), for the interrupt its deadline sends to
  // note where guest code was running; that interrupt runs on the thread holding the lock. Under Lock.
  struct DeadlineSite {
    uint64_t token = 0;
    RunGuard* guard = nullptr;
  };
  DeadlineSite& deadline_site() { return deadline_site_; }

 private:
  Environment(const Services& services, Options options);
  void Initialize();
  void Drain();
  void FreeIsolate();
  // Under the exec mutex, after Dispose() cancelled the queue: frees the handles and the isolate; a
  // `large` heap (HeapIsLarge) is collected first.
  void TearDown(bool large);
  // Under the exec mutex: whether the heap holds more than kCollectBeforeFreeBytes (false once freed).
  bool HeapIsLarge();
  // How long Dispose() waits for a thread inside the isolate before leaving the teardown to it.
  static constexpr std::chrono::milliseconds kDisposeWait{20};
  // Heaps above this are collected before the lifecycle lock is taken (TearDown).
  static constexpr size_t kCollectBeforeFreeBytes = size_t{8} << 20;
  std::atomic<bool> teardown_pending_{false};
  void ProcessReleases();
  static size_t OnNearHeapLimit(void* data, size_t current_limit, size_t initial_limit);
  static void OnPlatformTaskOverrun(v8::Isolate* isolate, void* data);
  static void OnGCEpilogue(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags, void* data);

  Services services_;
  Options options_;
  std::shared_ptr<LimitedAllocator> allocator_;
  std::shared_ptr<GuestTaskRunner> task_runner_;
  std::unique_ptr<GuestPlatformDelegate> delegate_;
  v8::Isolate* isolate_ = nullptr;
  std::atomic<bool> adopted_{false};

  // Held by whoever is inside the isolate; isolate_ is null once freed.
  std::mutex exec_mutex_;
  std::atomic<uint64_t> owner_thread_{0};
  std::chrono::steady_clock::time_point lock_accounted_at_;

  std::mutex queue_mutex_;
  std::deque<std::unique_ptr<Job>> queue_;
  bool scheduled_ = false;
  std::atomic<bool> disposing_{false};

  std::mutex release_mutex_;
  std::vector<std::pair<HandleKind, uint64_t>> releases_;

  std::atomic<uint64_t> next_handle_id_{1};
  HandleTable<v8::Value> values_;
  HandleTable<v8::Context> contexts_;
  HandleTable<v8::UnboundScript> scripts_;
  v8::Global<v8::Context> default_context_;
  std::vector<v8::Global<v8::UnboundScript>> setup_scripts_;
  v8::Global<v8::UnboundScript> guards_;
  // `uncached`: set when no process-wide code cache existed yet to compile from.
  static v8::Local<v8::UnboundScript> CompileGuards(v8::Isolate* isolate, bool* uncached);
  static bool GuardsCacheReady();
  // The native `chainDepth` and `stackRoom` that the guards receive in each context.
  v8::Global<v8::FunctionTemplate> chain_depth_;
  v8::Global<v8::FunctionTemplate> stack_room_;
  // V8's stack limit for the guest on the thread holding the Lock.
  uintptr_t stack_limit_ = 0;
  // The EvalError's message when eval or a Function constructor is given too much source.
  v8::Global<v8::String> code_from_strings_message_;
  bool InstallGuards(v8::Local<v8::Context> context);
  // Runs a setup script in `context`, then the jobs it queued, as Snapshot::Build did and within the
  // same bound. False when it throws (exception pending) or runs past the bound (*overrun says so).
  bool ReplaySetupScript(v8::Local<v8::Context> context, v8::Local<v8::UnboundScript> script, std::string* overrun);
  std::unordered_map<uint64_t, std::unique_ptr<Suspended>> suspended_;
  std::unordered_map<Owned*, std::unique_ptr<Owned>> owned_;
  std::vector<v8::Global<v8::FunctionTemplate>> templates_;

  std::atomic<bool> memory_exceeded_{false};
  // The platform task now running (0: none) and how many have started; under Lock.
  uint64_t platform_task_running_ = 0;
  uint64_t platform_tasks_started_ = 0;
  // Guest code in a platform task ran past its budget: the isolate is to be disposed.
  std::atomic<bool> platform_task_overran_{false};
  std::atomic<size_t> heap_used_{0};
  std::atomic<uint64_t> cpu_ns_{0};
  std::atomic<uint64_t> wall_ns_{0};
  DeadlineSite deadline_site_;
};

}  // namespace isorun
