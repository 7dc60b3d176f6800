#include "isolate/environment.h"

#include "isolate/builtin_guards.h"
#include "isolate/run_guard.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

namespace isorun {

namespace {

// Process-wide on purpose: a freed isolate's address can be reused by an isolate of another
// Node environment, so create/register and unregister/dispose must never interleave.
std::mutex& LifecycleMutex() {
  static std::mutex mutex;
  return mutex;
}

uint64_t ThisThreadId() {
  static std::atomic<uint64_t> next{1};
  thread_local uint64_t id = next.fetch_add(1);
  return id;
}

// Used and physical bytes of the heap's spaces: what V8's GetHeapStatistics reports as used_heap_size
// and total_physical_size, without its walk over every native context still on the heap (hundreds
// between mark-compacts in a pool isolate: 4% of a loaded server's CPU, read on each release and GC).
struct HeapSizes {
  size_t used = 0;
  size_t physical = 0;
};

HeapSizes ReadHeapSizes(v8::Isolate* isolate) {
  HeapSizes sizes;
  v8::HeapSpaceStatistics space;
  for (size_t i = 0, n = isolate->NumberOfHeapSpaces(); i < n; ++i) {
    if (!isolate->GetHeapSpaceStatistics(&space, i)) continue;
    // The read-only space is shared by every isolate of the process; V8's total leaves it out too.
    if (std::strcmp(space.space_name(), "read_only_space") == 0) continue;
    sizes.used += space.space_used_size();
    sizes.physical += space.physical_space_size();
  }
  return sizes;
}

constexpr int kJobsPerTurn = 32;  // then the thread moves on, so one busy isolate cannot hog it

class PlatformJob : public Environment::Job {
 public:
  explicit PlatformJob(std::unique_ptr<v8::Task> task) : task_(std::move(task)) {}
  void Run(Environment& env) override { env.RunPlatformTask(*task_); }
  void Cancel(const char*) override {}

 private:
  std::unique_ptr<v8::Task> task_;
};

v8::MaybeLocal<v8::Promise> RejectDynamicImport(v8::Local<v8::Context> context, v8::Local<v8::Data> options,
                                                v8::Local<v8::Value> resource, v8::Local<v8::String> specifier,
                                                v8::Local<v8::FixedArray> assertions) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) return {};
  auto message = v8::String::NewFromUtf8Literal(isolate, "import() is not available in isorun guests");
  resolver->Reject(context, v8::Exception::TypeError(message)).Check();
  return resolver->GetPromise();
}

// A context's own microtask queue, freed once V8 has collected the context (or with the isolate): V8
// keeps a plain pointer to it in the context.
class ContextQueue : public Environment::Owned {
 public:
  explicit ContextQueue(v8::Isolate* isolate)
      : queue_(v8::MicrotaskQueue::New(isolate, v8::MicrotasksPolicy::kExplicit)) {}
  v8::MicrotaskQueue* queue() const { return queue_.get(); }
  void Watch(v8::Isolate* isolate, v8::Local<v8::Context> context) {
    context_.Reset(isolate, context);
    context_.SetWeak(this, &OnCollected, v8::WeakCallbackType::kParameter);
  }

 private:
  static void OnCollected(const v8::WeakCallbackInfo<ContextQueue>& info) {
    info.GetParameter()->context_.Reset();
    // Not during the GC itself, which walks the isolate's queues.
    info.SetSecondPassCallback(&Free);
  }
  static void Free(const v8::WeakCallbackInfo<ContextQueue>& info) {
    Environment::From(info.GetIsolate())->FreeOwned(info.GetParameter());
  }

  std::unique_ptr<v8::MicrotaskQueue> queue_;
  v8::Global<v8::Context> context_;
};

// Drops the jobs still queued for a released context (a timer or Atomics.waitAsync that resolved after
// the last call): nothing of a released context runs again. A checkpoint under a pending termination
// empties the queue without running any job.
void DropMicrotasks(v8::Local<v8::Context> context) {
  if (context.IsEmpty()) return;
  v8::Isolate* isolate = context->GetIsolate();
  isolate->TerminateExecution();
  context->GetMicrotaskQueue()->PerformCheckpoint(isolate);
  isolate->CancelTerminateExecution();
}

bool RefuseWasm(v8::Local<v8::Context> context, v8::Local<v8::String> source) { return false; }

// eval and the Function constructors parse their source without checking for termination, into memory
// outside the heap: 16 MB of source took 0.9 s and +272 MB of RSS (12 MB through `new Function`: 1.5 s,
// +432 MB), and the cap admits a string of 64 MB. Up to 2^20 characters (~60 ms) they compile as usual;
// past that they throw the EvalError whose message NewContext sets. Non-strings pass through (eval(42)).
constexpr int kMaxCodeFromStrings = 1 << 20;

// V8's default (--stack-size): what a guest may use below the point where the engine enters its isolate.
constexpr uintptr_t kGuestStackBytes = 984 * 1024;

uintptr_t StackPosition() {
  char here;
  return reinterpret_cast<uintptr_t>(&here);
}

v8::ModifyCodeGenerationFromStringsResult LimitCodeFromStrings(v8::Local<v8::Context> context,
                                                               v8::Local<v8::Value> source, bool is_code_like) {
  if (!source->IsString()) return {true, {}};
  if (source.As<v8::String>()->Length() > kMaxCodeFromStrings) return {false, {}};
  return {true, source.As<v8::String>()};
}

}  // namespace

Environment::Environment(const Services& services, Options options)
    : services_(services),
      options_(std::move(options)),
      allocator_(std::make_shared<LimitedAllocator>(options_.memory_limit_bytes)) {}

std::shared_ptr<Environment> Environment::Create(const Services& services, Options options) {
  std::shared_ptr<Environment> env(new Environment(services, std::move(options)));
  env->task_runner_ = std::make_shared<GuestTaskRunner>(std::weak_ptr<PlatformTaskSink>(env));
  env->delegate_ = std::make_unique<GuestPlatformDelegate>(env->task_runner_);
  env->Initialize();
  return env;
}

void Environment::Initialize() {
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator_shared = allocator_;
  size_t limit = options_.memory_limit_bytes;
  // A quarter of the cap for the young generation: a fresh context per request is short-lived garbage,
  // and scavenging it is cheaper than promoting it (a loop of the server's engine calls used ~10% less
  // CPU per invocation than with a sixteenth). Idle isolates stay small: pages are committed as needed.
  size_t young = std::clamp<size_t>(limit / 4, size_t{1} << 20, size_t{32} << 20);
  params.constraints.set_max_young_generation_size_in_bytes(young);
  // It starts at 1 MB and grows as survivals demand: committing V8's default initial size made every
  // new isolate ~5% slower to create (new isolate + context + run + dispose: 1.54 → 1.46 ms), and the
  // server's context churn measured the same either way. An isolate booted from a snapshot replays its
  // scripts in every context: starting at 3 MB, a ~100 KB library's objects fit without a scavenge in
  // the middle of the replay (new isolate from snapshot + context + call + dispose ~20% faster).
  size_t initial_young = options_.context_setup ? size_t{3} << 20 : size_t{1} << 20;
  params.constraints.set_initial_young_generation_size_in_bytes(std::min(young, initial_young));
  params.constraints.set_max_old_generation_size_in_bytes(limit - young);
  {
    // Allocate and register under the lock, so that no isolate being freed meanwhile shares the
    // address; the ~0.5 ms of Initialize need not hold it, and a `dispose()` waited behind it for
    // an isolate made ahead (SpareIsolate) on another thread.
    std::lock_guard<std::mutex> lifecycle(LifecycleMutex());
    isolate_ = v8::Isolate::Allocate();
    services_.platform->RegisterIsolate(isolate_, delegate_.get());
  }
  v8::Isolate::Initialize(isolate_, params);
  v8::Locker locker(isolate_);
  v8::Isolate::Scope scope(isolate_);
  isolate_->SetData(0, this);
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  isolate_->AddNearHeapLimitCallback(&Environment::OnNearHeapLimit, this);
  isolate_->AddGCEpilogueCallback(&Environment::OnGCEpilogue, this);
  isolate_->SetAllowWasmCodeGenerationCallback(&RefuseWasm);
  isolate_->SetModifyCodeGenerationFromStringsCallback(&LimitCodeFromStrings);
  isolate_->SetHostImportModuleDynamicallyCallback(&RejectDynamicImport);
}

void Environment::Adopt() {
  if (!adopted_.exchange(true)) services_.counters->isolates_created.fetch_add(1);
}

void Environment::Prepare() {
  // Only from the process-wide cache: an isolate that compiles the guards from source makes that
  // cache in its first context (InstallGuards), which a spare has not.
  if (!GuardsCacheReady()) return;
  v8::Locker locker(isolate_);
  v8::Isolate::Scope scope(isolate_);
  v8::HandleScope handles(isolate_);
  // Our own constant source from its cache cannot fail to compile; should it, the first context
  // compiles it again and reports why.
  v8::TryCatch try_catch(isolate_);
  bool uncached = false;
  v8::Local<v8::UnboundScript> guards = CompileGuards(isolate_, &uncached);
  if (!guards.IsEmpty() && !uncached) guards_.Reset(isolate_, guards);
}

Environment::~Environment() { Dispose(); }

Environment::Lock::Lock(Environment& env) : env_(env) {
  if (env.owner_thread_.load() == ThisThreadId()) throw ReentryError();
  exec_ = std::unique_lock<std::mutex>(env.exec_mutex_);
  if (env.isolate_ == nullptr || env.disposing_.load()) throw DisposedError(env.disposed_message());
  env.owner_thread_.store(ThisThreadId());
  env.lock_accounted_at_ = std::chrono::steady_clock::now();
  locker_.emplace(env.isolate_);
  isolate_scope_.emplace(env.isolate_);
  // The limit V8 would set on a thread's first entry, set at every entry so that StackRoom knows it.
  env.stack_limit_ = StackPosition() - kGuestStackBytes;
  env.isolate_->SetStackLimit(env.stack_limit_);
  handle_scope_.emplace(env.isolate_);
  env.ProcessReleases();
}

Environment::Lock::~Lock() {
  handle_scope_.reset();
  isolate_scope_.reset();
  locker_.reset();
  env_.AccountLockTime();
  env_.owner_thread_.store(0);
  exec_.unlock();
  // Dispose() gave up waiting for this thread and left the isolate for it to free.
  if (env_.teardown_pending_.exchange(false)) {
    std::unique_lock<std::mutex> exec(env_.exec_mutex_);
    env_.TearDown(env_.HeapIsLarge());
  }
}

size_t Environment::UsedHeapSize() { return ReadHeapSizes(isolate_).used; }

bool Environment::HeldByCurrentThread() const { return owner_thread_.load() == ThisThreadId(); }

size_t Environment::StackRoom() const {
  uintptr_t here = StackPosition();
  return here > stack_limit_ ? here - stack_limit_ : 0;
}

void Environment::Post(std::unique_ptr<Job> job) {
  std::unique_lock<std::mutex> lock(queue_mutex_);
  if (disposing_.load()) {
    lock.unlock();
    job->Cancel(disposed_message());
    return;
  }
  queue_.push_back(std::move(job));
  if (scheduled_) return;
  scheduled_ = true;
  lock.unlock();
  services_.pool->Post([self = shared_from_this()] { self->Drain(); });
}

void Environment::PostPlatformTask(std::unique_ptr<v8::Task> task, double delay_seconds) {
  auto job = std::make_unique<PlatformJob>(std::move(task));
  if (delay_seconds <= 0) {
    Post(std::move(job));
    return;
  }
  std::weak_ptr<Environment> weak = shared_from_this();
  auto pending = std::make_shared<std::unique_ptr<Job>>(std::move(job));
  auto deadline = TimerThread::Clock::now() + std::chrono::duration_cast<TimerThread::Clock::duration>(
                                                  std::chrono::duration<double>(delay_seconds));
  services_.timers->Schedule(deadline, [weak, pending] {
    if (auto env = weak.lock()) env->Post(std::move(*pending));
  });
}

static_assert(Environment::kPlatformTaskBudget == std::chrono::milliseconds(200),
              "disposed_message() names the budget");

void Environment::RunPlatformTask(v8::Task& task) {
  uint64_t token = ++platform_tasks_started_;
  platform_task_running_ = token;
  // An interrupt, not a termination: it fires only if JavaScript runs (a long GC task is no overrun),
  // and one that fires late, in a later call, finds another token and does nothing.
  uint64_t timer = services_.timers->Schedule(TimerThread::Clock::now() + kPlatformTaskBudget, [this, token] {
    isolate_->RequestInterrupt(&Environment::OnPlatformTaskOverrun, reinterpret_cast<void*>(uintptr_t(token)));
  });
  task.Run();
  services_.timers->Cancel(timer);
  platform_task_running_ = 0;
  if (platform_task_overran_.load() && !memory_exceeded_.load()) isolate_->CancelTerminateExecution();
}

void Environment::OnPlatformTaskOverrun(v8::Isolate* isolate, void* data) {
  Environment* env = From(isolate);
  if (env->platform_task_running_ != uint64_t(reinterpret_cast<uintptr_t>(data))) return;
  env->platform_task_overran_.store(true);
  isolate->TerminateExecution();
}

void Environment::Drain() {
  try {
    Lock lock(*this);
    for (int ran = 0; ran < kJobsPerTurn && !disposed(); ++ran) {
      std::unique_ptr<Job> job;
      {
        std::lock_guard<std::mutex> queue_lock(queue_mutex_);
        if (queue_.empty()) break;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job->Run(*this);
    }
  } catch (const DisposedError&) {
    // Dispose() has cancelled the queue.
  }
  if (memory_exceeded_.load() || platform_task_overran_.load()) Dispose();
  std::unique_lock<std::mutex> queue_lock(queue_mutex_);
  if (queue_.empty() || disposing_.load()) {
    scheduled_ = false;
    return;
  }
  queue_lock.unlock();
  services_.pool->Post([self = shared_from_this()] { self->Drain(); });
}

void Environment::Dispose() {
  std::deque<std::unique_ptr<Job>> cancelled;
  {
    std::lock_guard<std::mutex> queue_lock(queue_mutex_);
    if (disposing_.exchange(true)) return;
    cancelled.swap(queue_);
  }
  for (auto& job : cancelled) job->Cancel(disposed_message());
  cancelled.clear();

  // Stop any run; a terminate sent between two runs can be cancelled by the first, so repeat.
  std::unique_lock<std::mutex> exec(exec_mutex_, std::defer_lock);
  const auto hand_off_at = std::chrono::steady_clock::now() + kDisposeWait;
  while (!exec.try_lock()) {
    if (isolate_ != nullptr) isolate_->TerminateExecution();
    if (std::chrono::steady_clock::now() >= hand_off_at) {
      // A built-in that never checks for termination (sorting a 128 MB typed array) can hold the isolate
      // for seconds: the thread running it frees the isolate when it leaves (Lock::~Lock), so that
      // this caller, often Node's thread, does not wait for it.
      teardown_pending_.store(true);
      if (!exec.try_lock()) return;
      teardown_pending_.store(false);
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  // The isolate is idle. Freeing a large heap takes milliseconds (3-16 ms for 16-128 MB) and the caller
  // is often Node's thread, so the engine's background thread does it (or the pool, if that thread is
  // gone), unless the caller is an engine thread, the engine has stopped (neither takes work after
  // Addon::Shutdown), or this Environment is being destroyed. Not the pool first: other isolates' calls
  // queued behind it (six ~20 MB isolates disposed: another isolate's slowest call 9.6-29 ms there,
  // 3.3-3.9 ms now; dispose-stall benchmark). A small one (0.1 ms) is freed here: handing it over made
  // back-to-back create/dispose slower (1,429 -> 1,503 us), the two threads contending.
  bool large = HeapIsLarge();
  if (large && ThreadPool::CurrentJob().worker == nullptr) {
    if (std::shared_ptr<Environment> self = weak_from_this().lock()) {
      exec.unlock();
      auto teardown = [self] {
        std::unique_lock<std::mutex> exec(self->exec_mutex_);
        self->TearDown(true);
      };
      if (services_.retirer->Post(teardown) || services_.pool->Post(teardown)) return;
      exec.lock();
    }
  }
  TearDown(large);
}

bool Environment::HeapIsLarge() {
  if (isolate_ == nullptr) return false;
  v8::Locker locker(isolate_);
  return ReadHeapSizes(isolate_).physical > kCollectBeforeFreeBytes;
}

void Environment::TearDown(bool large) {
  if (isolate_ == nullptr) return;
  {
    v8::Locker locker(isolate_);
    v8::Isolate::Scope scope(isolate_);
    v8::HandleScope handles(isolate_);
    for (auto& entry : suspended_) entry.second->Cancel(disposed_message());
    suspended_.clear();
    values_.Clear();
    contexts_.Clear();
    scripts_.Clear();
    default_context_.Reset();
    setup_scripts_.clear();
    guards_.Reset();
    chain_depth_.Reset();
    stack_room_.Reset();
    code_from_strings_message_.Reset();
    owned_.clear();
    templates_.clear();
    // Give a large heap back before taking the process-wide lifecycle lock: Isolate::Dispose freed it
    // under that lock (2-13 ms for 16-128 MB), and every `new Isolate()` on Node's thread waited. With no
    // context left, one collection frees nearly every page here; Dispose then takes ~0.15 ms.
    if (large) isolate_->MemoryPressureNotification(v8::MemoryPressureLevel::kCritical);
  }
  FreeIsolate();
}

void Environment::FreeIsolate() {
  std::lock_guard<std::mutex> lifecycle(LifecycleMutex());
  services_.platform->UnregisterIsolate(isolate_);
  isolate_->Dispose();
  isolate_ = nullptr;
  if (adopted_.load()) services_.counters->isolates_disposed.fetch_add(1);
}

void Environment::Release(HandleKind kind, uint64_t id) {
  std::lock_guard<std::mutex> lock(release_mutex_);
  releases_.emplace_back(kind, id);
}

void Environment::ProcessReleases() {
  std::vector<std::pair<HandleKind, uint64_t>> releases;
  {
    std::lock_guard<std::mutex> lock(release_mutex_);
    if (releases_.empty()) return;
    releases.swap(releases_);
  }
  bool context_released = false;
  {
    // Its own scope: a released context's Local must be gone before the collection below.
    v8::HandleScope scope(isolate_);
    for (auto [kind, id] : releases) {
      switch (kind) {
        case HandleKind::kValue:
          values_.Remove(id);
          break;
        case HandleKind::kContext:
          DropMicrotasks(contexts_.Get(isolate_, id));
          contexts_.Remove(id);
          context_released = true;
          break;
        case HandleKind::kScript:
          scripts_.Remove(id);
          break;
      }
    }
  }
  // A released context's objects can outlive the next collection: a marking cycle that began while
  // they were alive keeps them, and the next run then meets the memory cap with them still counted
  // (two 35 MB runs in a row in a 64 MB isolate failed every other time). When they may fill half the
  // cap, collect now, between runs, on this engine thread.
  if (context_released && ReadHeapSizes(isolate_).used > options_.memory_limit_bytes / 2) {
    isolate_->LowMemoryNotification();
  }
}

namespace {

// The guards' code cache, made by the first isolate that installs them and shared by every later one:
// parsing the guards cost ~0.1 ms per new isolate (7% of new isolate + context + run + dispose). Our
// own constant source, never a client's; made after the guards' own warm-up, before any guest ran.
std::mutex guards_cache_mutex;
std::shared_ptr<const std::vector<uint8_t>> guards_cache;

// The guards' source for V8 without a copy: static, so V8's Dispose (when a string dies) keeps it.
class GuardsSource final : public v8::String::ExternalOneByteStringResource {
 public:
  const char* data() const override { return BuiltinGuardsSource().data(); }
  size_t length() const override { return BuiltinGuardsSource().size(); }
  void Dispose() override {}
};

GuardsSource& GuardsSourceResource() {
  static GuardsSource resource;
  return resource;
}

}  // namespace

bool Environment::GuardsCacheReady() {
  std::lock_guard<std::mutex> lock(guards_cache_mutex);
  return guards_cache != nullptr;
}

v8::Local<v8::UnboundScript> Environment::CompileGuards(v8::Isolate* isolate, bool* uncached) {
  v8::EscapableHandleScope scope(isolate);
  v8::ScriptOrigin origin(isolate, v8::String::NewFromUtf8Literal(isolate, "isorun:guards"));
  // External: every isolate's source string points at the one process-wide copy (35 KB) instead of
  // decoding its own.
  v8::Local<v8::String> text = v8::String::NewExternalOneByte(isolate, &GuardsSourceResource()).ToLocalChecked();
  std::shared_ptr<const std::vector<uint8_t>> cache;
  {
    std::lock_guard<std::mutex> lock(guards_cache_mutex);
    cache = guards_cache;
  }
  v8::Local<v8::UnboundScript> guards;
  if (cache != nullptr) {
    // V8 does not take ownership of the bytes (BufferNotOwned); `cache` outlives the compile.
    v8::ScriptCompiler::Source source(text, origin,
                                      new v8::ScriptCompiler::CachedData(cache->data(), int(cache->size())));
    if (!v8::ScriptCompiler::CompileUnboundScript(isolate, &source, v8::ScriptCompiler::kConsumeCodeCache)
             .ToLocal(&guards)) {
      return {};
    }
    return scope.Escape(guards);
  }
  v8::ScriptCompiler::Source source(text, origin);
  if (!v8::ScriptCompiler::CompileUnboundScript(isolate, &source).ToLocal(&guards)) return {};
  *uncached = true;
  return scope.Escape(guards);
}

namespace {

// Taken after the guards ran once with `warm` (each guard called on an empty array), so the cache
// holds their bytecode: later isolates deserialize it instead of parsing each guard on its first call
// (~60 us on a snapshot boot whose library used a few). The loops behind them stay lazy.
void MakeGuardsCache(v8::Local<v8::UnboundScript> guards) {
  std::unique_ptr<v8::ScriptCompiler::CachedData> made(v8::ScriptCompiler::CreateCodeCache(guards));
  if (made == nullptr || made->length <= 0) return;
  std::lock_guard<std::mutex> lock(guards_cache_mutex);
  if (guards_cache == nullptr) {
    guards_cache = std::make_shared<const std::vector<uint8_t>>(made->data, made->data + made->length);
  }
}

v8::Local<v8::Value> PrototypeOf(v8::Local<v8::Object> object) {
#if V8_MAJOR_VERSION >= 13
  return object->GetPrototypeV2();
#else
  return object->GetPrototype();
#endif
}

// chainDepth(value, limit): how many objects a property lookup on `value` may visit, counted up to
// limit + 1: its prototype chain, with each proxy followed to its target (where V8 goes when a trap is
// missing) and no trap run, so a guest cannot make it lie.
void ChainDepth(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  double limit = info[1]->IsNumber() ? info[1].As<v8::Number>()->Value() : 0;
  v8::Local<v8::Value> value = info[0];
  if (!value->IsObject() && !value->IsNullOrUndefined() &&
      !value->ToObject(isolate->GetCurrentContext()).ToLocal(&value)) {
    return;
  }
  double depth = 0;
  while (depth <= limit && value->IsObject()) {
    depth++;
    value = value->IsProxy() ? value.As<v8::Proxy>()->GetTarget() : PrototypeOf(value.As<v8::Object>());
  }
  info.GetReturnValue().Set(depth);
}

// stackRoom(): bytes of stack left before V8's limit. V8's regular-expression compiler ends the whole
// process when it meets that limit (RegExpCompiler::ToNodeCheckForStackOverflow), so the guards make sure
// of room before every `exec`.
void StackRoomCallback(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(static_cast<double>(Environment::From(info.GetIsolate())->StackRoom()));
}

// One of the native functions the guards receive, in `context`; its template is made once per isolate
// and kept in `slot`.
v8::MaybeLocal<v8::Function> GuardNative(v8::Local<v8::Context> context, v8::Global<v8::FunctionTemplate>& slot,
                                         v8::FunctionCallback callback, int length) {
  v8::Isolate* isolate = context->GetIsolate();
  if (slot.IsEmpty()) {
    slot.Reset(isolate, v8::FunctionTemplate::New(isolate, callback, {}, {}, length, v8::ConstructorBehavior::kThrow,
                                                  v8::SideEffectType::kHasNoSideEffect));
  }
  return slot.Get(isolate)->GetFunction(context);
}

}  // namespace

bool Environment::InstallGuards(v8::Local<v8::Context> context) {
  // An isolate that compiled the guards without a cache warms them in its first context and makes it.
  bool warm = false;
  if (guards_.IsEmpty()) {
    v8::Local<v8::UnboundScript> guards = CompileGuards(isolate_, &warm);
    if (guards.IsEmpty()) return false;
    guards_.Reset(isolate_, guards);
  }
  v8::Local<v8::Value> install;
  v8::Local<v8::Function> chain_depth;
  v8::Local<v8::Function> stack_room;
  if (!guards_.Get(isolate_)->BindToCurrentContext()->Run(context).ToLocal(&install) || !install->IsFunction() ||
      !GuardNative(context, chain_depth_, ChainDepth, 2).ToLocal(&chain_depth) ||
      !GuardNative(context, stack_room_, StackRoomCallback, 0).ToLocal(&stack_room)) {
    return false;
  }
  v8::Local<v8::Value> argv[] = {chain_depth, v8::Boolean::New(isolate_, warm), stack_room};
  if (install.As<v8::Function>()->Call(context, v8::Undefined(isolate_), 3, argv).IsEmpty()) return false;
  if (warm) MakeGuardsCache(guards_.Get(isolate_));
  return true;
}

v8::Local<v8::Context> Environment::NewContext(std::string* setup_overrun) {
  v8::EscapableHandleScope scope(isolate_);
  auto queue = std::make_unique<ContextQueue>(isolate_);
  v8::Local<v8::Context> context =
      v8::Context::New(isolate_, nullptr, {}, {}, v8::DeserializeInternalFieldsCallback(), queue->queue());
  if (context.IsEmpty()) return {};
  queue->Watch(isolate_, context);
  AddOwned(std::move(queue));
  v8::Context::Scope context_scope(context);
  // Every eval and Function constructor goes through LimitCodeFromStrings.
  if (code_from_strings_message_.IsEmpty()) {
    code_from_strings_message_.Reset(
        isolate_, v8::String::NewFromUtf8Literal(isolate_,
                                                 "eval and the Function constructors take at most 1048576 "
                                                 "characters of source"));
  }
  context->AllowCodeGenerationFromStrings(false);
  context->SetErrorMessageForCodeGenerationFromStrings(code_from_strings_message_.Get(isolate_));
  // WebAssembly memory bypasses the ArrayBuffer allocator, so it would escape the memory cap.
  if (context->Global()->Delete(context, v8::String::NewFromUtf8Literal(isolate_, "WebAssembly")).IsNothing()) {
    return {};
  }
  if (!InstallGuards(context)) return {};
  if (options_.context_setup) {
    if (setup_scripts_.empty() && !options_.context_setup->Compile(isolate_, &setup_scripts_)) return {};
    for (const auto& script : setup_scripts_) {
      std::string overrun;
      if (!ReplaySetupScript(context, script.Get(isolate_), &overrun)) {
        if (setup_overrun != nullptr) *setup_overrun = std::move(overrun);
        return {};
      }
    }
  }
  return scope.Escape(context);
}

bool Environment::ReplaySetupScript(v8::Local<v8::Context> context, v8::Local<v8::UnboundScript> script,
                                    std::string* overrun) {
  bool ok;
  bool timed_out;
  std::string where;
  {
    RunGuard guard(*this, ContextSetup::kScriptTimeoutMs, /*locate=*/true);
    ok = !script->BindToCurrentContext()->Run(context).IsEmpty();
    // Before the next script, as at build time: it may rely on what these jobs did.
    if (ok) RunMicrotasks(context);
    timed_out = guard.timed_out();
    if (timed_out) where = guard.location();
  }
  if (!timed_out || memory_exceeded()) return ok;
  v8::String::Utf8Value name(isolate_, script->GetScriptName());
  *overrun = "snapshot script '" + std::string(*name != nullptr ? *name : "?") + "' ran past " +
             std::to_string(ContextSetup::kScriptTimeoutMs) + " ms in a new context" +
             (where.empty() ? "" : " (at " + where + ")");
  return false;
}

void Environment::RunMicrotasks(v8::Local<v8::Context> context) {
  context->GetMicrotaskQueue()->PerformCheckpoint(context->GetIsolate());
}

v8::Local<v8::Context> Environment::DefaultContext() {
  // Work that only needs some context (compiling, copying) borrows a user's context: a context of
  // its own would cost ~0.3 ms per isolate.
  if (default_context_.IsEmpty()) {
    v8::Local<v8::Context> any = contexts_.Any(isolate_);
    if (!any.IsEmpty()) return any;
    v8::Local<v8::Context> context = v8::Context::New(isolate_);
    if (context.IsEmpty()) return {};
    default_context_.Reset(isolate_, context);
  }
  return default_context_.Get(isolate_);
}

void Environment::AccountLockTime() {
  auto now = std::chrono::steady_clock::now();
  wall_ns_.fetch_add(uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(now - lock_accounted_at_).count()),
                     std::memory_order_relaxed);
  lock_accounted_at_ = now;
}

v8::Local<v8::FunctionTemplate> Environment::Template(size_t slot) {
  if (slot >= templates_.size()) return {};
  return templates_[slot].Get(isolate_);
}

void Environment::SetTemplate(size_t slot, v8::Local<v8::FunctionTemplate> value) {
  if (slot >= templates_.size()) templates_.resize(slot + 1);
  templates_[slot].Reset(isolate_, value);
}

uint64_t Environment::AddSuspended(std::unique_ptr<Suspended> op) {
  uint64_t id = NewHandleId();
  suspended_.emplace(id, std::move(op));
  return id;
}

std::unique_ptr<Environment::Suspended> Environment::TakeSuspended(uint64_t id) {
  auto found = suspended_.find(id);
  if (found == suspended_.end()) return nullptr;
  std::unique_ptr<Suspended> op = std::move(found->second);
  suspended_.erase(found);
  return op;
}

size_t Environment::OnNearHeapLimit(void* data, size_t current_limit, size_t initial_limit) {
  auto* env = static_cast<Environment*>(data);
  env->memory_exceeded_.store(true);
  env->isolate_->TerminateExecution();
  // Returning the same limit aborts the process. Grant room for V8's largest single object
  // (~1 GB) so the allocation in flight succeeds and the termination lands right after it.
  return current_limit + (size_t{2} << 30);
}

void Environment::OnGCEpilogue(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags, void* data) {
  auto* env = static_cast<Environment*>(data);
  size_t used = ReadHeapSizes(isolate).used;
  env->heap_used_.store(used, std::memory_order_relaxed);
  env->allocator_->set_heap_used(used);
}

}  // namespace isorun
