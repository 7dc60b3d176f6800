// Per-invocation limits as an RAII scope: arms the wall-clock deadline and accounts the time run.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "isolate/environment.h"

namespace isorun {

class RunGuard {
 public:
  // timeout_ms == 0: no deadline. Must be constructed under the Environment's Lock. With `locate`, the
  // deadline first interrupts the guest to note where it is running (location()), then terminates it.
  RunGuard(Environment& env, uint64_t timeout_ms, bool locate = false);
  ~RunGuard();
  RunGuard(const RunGuard&) = delete;
  RunGuard& operator=(const RunGuard&) = delete;

  bool timed_out() const { return timed_out_.load(); }
  // With `locate`, once timed out: "file:line:column" of the JavaScript that the deadline stopped; empty
  // when the interrupt did not run (a native loop that ignores it, terminated directly 1 s later, or a
  // run that ended by itself just as the deadline passed). Under the Lock.
  const std::string& location() const { return location_; }

 private:
  void Arm(TimerThread::Clock::time_point when);
  // The interrupt `locate` requests: notes the top JavaScript frame, then terminates. `data` is the
  // guard's token: a run that ended before the interrupt came leaves one that does nothing.
  static void StopWhereRunning(v8::Isolate* isolate, void* data);

  Environment& env_;
  v8::Isolate* isolate_;
  // Guards timer_id_ and cancelled_ between this thread and the timer thread.
  std::mutex mutex_;
  uint64_t timer_id_ = 0;
  bool cancelled_ = false;
  std::atomic<bool> timed_out_{false};
  uint64_t start_;
  // The pool job this run belongs to (empty for sync calls on the caller's thread), and when its first
  // terminate (with `locate`: the interrupt that terminates) was sent; under mutex_.
  ThreadPool::JobTicket job_;
  TimerThread::Clock::time_point first_terminate_{};
  bool lowered_ = false;
  // Non-zero with `locate` and a deadline: this guard's token in Environment::deadline_site().
  uint64_t locate_token_ = 0;
  // Set by StopWhereRunning (under the Lock); `interrupted_` tells the timer thread it has run.
  std::string location_;
  std::atomic<bool> interrupted_{false};
};

uint64_t MonotonicNanos();

}  // namespace isorun
