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
}  // namespace

RunGuard::RunGuard(Environment& env, uint64_t timeout_ms)
    : env_(env), isolate_(env.isolate()), start_(MonotonicNanos()), job_(ThreadPool::CurrentJob()) {
  if (timeout_ms == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  Arm(TimerThread::Clock::now() + std::chrono::milliseconds(timeout_ms));
}

void RunGuard::Arm(TimerThread::Clock::time_point when) {
  timer_id_ = env_.services().timers->Schedule(when, [this] {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_) return;
    auto now = TimerThread::Clock::now();
    if (!timed_out_.exchange(true)) first_terminate_ = now;
    isolate_->TerminateExecution();
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
  env_.AddRunTime(MonotonicNanos() - start_);
  env_.AccountLockTime();
}

}  // namespace isorun
