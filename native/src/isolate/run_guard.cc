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
}  // namespace

RunGuard::RunGuard(Environment& env, uint64_t timeout_ms)
    : env_(env), isolate_(env.isolate()), start_(MonotonicNanos()) {
  if (timeout_ms == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  Arm(TimerThread::Clock::now() + std::chrono::milliseconds(timeout_ms));
}

void RunGuard::Arm(TimerThread::Clock::time_point when) {
  timer_id_ = env_.services().timers->Schedule(when, [this] {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_) return;
    timed_out_.store(true);
    isolate_->TerminateExecution();
    Arm(TimerThread::Clock::now() + kTerminateAgain);
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
  env_.AddRunTime(MonotonicNanos() - start_);
  env_.AccountLockTime();
}

}  // namespace isorun
