// Per-invocation limits as an RAII scope: arms the wall-clock deadline and accounts the time run.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

#include "isolate/environment.h"

namespace isorun {

class RunGuard {
 public:
  // timeout_ms == 0: no deadline. Must be constructed under the Environment's Lock.
  RunGuard(Environment& env, uint64_t timeout_ms);
  ~RunGuard();
  RunGuard(const RunGuard&) = delete;
  RunGuard& operator=(const RunGuard&) = delete;

  bool timed_out() const { return timed_out_.load(); }

 private:
  void Arm(TimerThread::Clock::time_point when);

  Environment& env_;
  v8::Isolate* isolate_;
  // Guards timer_id_ and cancelled_ between this thread and the timer thread.
  std::mutex mutex_;
  uint64_t timer_id_ = 0;
  bool cancelled_ = false;
  std::atomic<bool> timed_out_{false};
  uint64_t start_;
  // The pool job this run belongs to (empty for sync calls on the caller's thread), and when its first
  // terminate was sent; under mutex_.
  ThreadPool::JobTicket job_;
  TimerThread::Clock::time_point first_terminate_{};
  bool lowered_ = false;
};

uint64_t MonotonicNanos();

}  // namespace isorun
