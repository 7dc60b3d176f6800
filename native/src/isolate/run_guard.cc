#include "isolate/run_guard.h"

#include <chrono>
#include <ctime>

namespace isorun {

uint64_t MonotonicNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RunGuard::RunGuard(Environment& env, uint64_t timeout_ms) : env_(env), start_(MonotonicNanos()) {
  if (timeout_ms == 0) return;
  v8::Isolate* isolate = env.isolate();
  auto deadline = TimerThread::Clock::now() + std::chrono::milliseconds(timeout_ms);
  timer_id_ = env.services().timers->Schedule(deadline, [this, isolate] {
    timed_out_.store(true);
    isolate->TerminateExecution();
  });
}

RunGuard::~RunGuard() {
  // After Cancel the callback can no longer fire, so the terminate it may have sent is cleared here.
  if (timer_id_ != 0) env_.services().timers->Cancel(timer_id_);
  if (!env_.memory_exceeded()) env_.isolate()->CancelTerminateExecution();
  env_.AddRunTime(MonotonicNanos() - start_);
}

}  // namespace isorun
