#include "isolate/run_guard.h"

#include <chrono>
#include <ctime>

namespace isorun {

uint64_t MonotonicNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {
// Once the deadline passed, terminate again this often: a termination that reached the top of the
// stack is spent, and host code (reading an error's getters) may enter the guest again.
constexpr auto kTerminateAgain = std::chrono::milliseconds(5);
// A terminate lands within a millisecond unless V8 is inside a native loop that never checks for it
// (a typed-array sort, an inline cache making a 100,000-deep prototype chain fast: minutes). Nobody
// waits for such a run any more, so past this its thread yields the CPU to every other job: at nice 19
// (CFS weight 15 against 1,024), where the pool's long jobs run at 10 (110).
constexpr auto kStuckAfter = std::chrono::milliseconds(50);
constexpr int kStuckNice = 19;
// How long a deadline with `locate` waits for its interrupt before terminating directly: only a native
// loop that ignores interrupts (and may honour a termination) needs it, and an engine thread lowered
// to nice 10 on a loaded machine can wait tens of ms for a CPU, which must not cost the location.
constexpr auto kLocateGrace = std::chrono::seconds(1);
}  // namespace

RunGuard::RunGuard(Environment& env, uint64_t timeout_ms, bool locate)
    : env_(env), isolate_(env.isolate()), start_(MonotonicNanos()), job_(ThreadPool::CurrentJob()) {
  if (timeout_ms == 0) return;
  if (locate) {
    locate_token_ = env.NewHandleId();
    env.deadline_site() = {locate_token_, this};
  }
  std::lock_guard<std::mutex> lock(mutex_);
  Arm(TimerThread::Clock::now() + std::chrono::milliseconds(timeout_ms));
}

void RunGuard::Arm(TimerThread::Clock::time_point when) {
  timer_id_ = env_.services().timers->Schedule(when, [this] {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_) return;
    auto now = TimerThread::Clock::now();
    bool first = !timed_out_.exchange(true);
    if (first) first_terminate_ = now;
    if (locate_token_ != 0 && first) {
      // The stack can be read only on the guest's thread, and V8 handles a pending termination before any
      // interrupt: the interrupt terminates.
      isolate_->RequestInterrupt(&RunGuard::StopWhereRunning, reinterpret_cast<void*>(uintptr_t(locate_token_)));
    } else if (locate_token_ == 0 || interrupted_.load() || now - first_terminate_ >= kLocateGrace) {
      isolate_->TerminateExecution();
    }
    if (!lowered_ && now - first_terminate_ >= kStuckAfter) {
      lowered_ = true;
      env_.services().pool->Lower(job_, kStuckNice);
    }
    Arm(now + kTerminateAgain);
  });
}

RunGuard::~RunGuard() {
  uint64_t timer_id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    timer_id = timer_id_;
  }
  // After Cancel the callback can no longer fire, so the terminate it may have sent is cleared here.
  if (timer_id != 0) env_.services().timers->Cancel(timer_id);
  if (!env_.memory_exceeded()) env_.isolate()->CancelTerminateExecution();
  if (locate_token_ != 0 && env_.deadline_site().token == locate_token_) env_.deadline_site() = {};
  env_.AddRunTime(MonotonicNanos() - start_);
  env_.AccountLockTime();
}

void RunGuard::StopWhereRunning(v8::Isolate* isolate, void* data) {
  const Environment::DeadlineSite& site = Environment::From(isolate)->deadline_site();
  if (site.guard == nullptr || site.token != uint64_t(reinterpret_cast<uintptr_t>(data))) return;
  RunGuard& guard = *site.guard;
  v8::HandleScope scope(isolate);
  v8::Local<v8::StackTrace> trace = v8::StackTrace::CurrentStackTrace(isolate, 1);
  if (trace->GetFrameCount() > 0) {
    v8::Local<v8::StackFrame> frame = trace->GetFrame(isolate, 0);
    v8::Local<v8::String> name = frame->GetScriptNameOrSourceURL();
    v8::String::Utf8Value file(isolate, name);
    guard.location_ = std::string(!name.IsEmpty() && *file != nullptr ? *file : "<anonymous>") + ":" +
                      std::to_string(frame->GetLineNumber()) + ":" + std::to_string(frame->GetColumn());
  }
  guard.interrupted_.store(true);
  isolate->TerminateExecution();
}

}  // namespace isorun
