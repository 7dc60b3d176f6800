// A set of worker threads with large stacks that run posted jobs in FIFO order: `threads` of them, plus
// one more for each job that has run past a time slice while work waits; such long jobs run at a lower
// CPU priority (see thread_pool.cc).
#pragma once

#include <pthread.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "lib/parker.h"

namespace isorun {

class ThreadPool {
 public:
  // stack_bytes is set explicitly: guests recurse deep and V8 needs room below its own limit.
  ThreadPool(size_t threads, size_t stack_bytes);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // False (the job dropped) once the pool is stopping.
  bool Post(std::function<void()> job);
  // Runs every job already queued, then joins the threads. Idempotent.
  void Stop();
  // The configured number of threads (the pool adds more only while jobs run long).
  size_t size() const { return base_; }

  // The job running on the calling thread, if that is a thread of a pool; empty otherwise.
  struct JobTicket {
    const void* worker = nullptr;
    uint64_t job = 0;
  };
  static JobTicket CurrentJob();
  // Runs the job `ticket` names at CPU priority `nice` (a larger value: lower priority) from now until it
  // ends, if it is still running on this pool; its thread gets its priority back as any long job does.
  void Lower(const JobTicket& ticket, int nice);

 private:
  using Clock = std::chrono::steady_clock;
  struct Worker {
    ThreadPool* pool = nullptr;
    pthread_t thread{};
    bool extra = false;
    bool running = false;
    bool exited = false;
    // Under queue_mutex_: on the idle stack, asleep or about to be.
    bool parked = false;
    Parker parker;
    // Running a long job at a lower CPU priority (see thread_pool.cc).
    bool demoted = false;
    long tid = 0;
    clockid_t cpu_clock{};
    // Counts the jobs this thread started; the monitor notes the CPU time at the first tick of each.
    uint64_t job = 0;
    uint64_t job_seen = 0;
    int64_t job_cpu_base_ns = 0;
    Clock::time_point job_started;
  };

  static void* Main(void* worker);
  static void* MonitorMain(void* self);
  void Loop(Worker* self);
  // Under queue (held on entry and on return): sleeps until a post wakes this thread; false if an
  // extra thread lingered idle long enough to exit.
  bool Park(Worker* self, std::unique_lock<std::mutex>& queue);
  // Job bookkeeping the monitor reads; End is false when the thread must retire.
  void Begin(Worker* self);
  bool End(Worker* self);
  void Monitor();
  // Under mutex_: starts a thread; false if it could not.
  bool Spawn(bool extra);
  // Under mutex_: joins the threads that have exited.
  void ReapExited();
  // Under mutex_: lowers the priority of jobs past their slice; starts threads where work waits.
  void Watch();

  const size_t base_;
  const size_t stack_bytes_;
  // Two locks, so that Node's thread, which posts, never waits on the monitor or on an engine thread's
  // bookkeeping: queue_mutex_ guards only the queue and the idle threads, for a few instructions at a
  // time. Order: mutex_ before queue_mutex_.
  mutable std::mutex mutex_;
  std::mutex queue_mutex_;
  std::condition_variable monitor_wake_;
  std::vector<std::unique_ptr<Worker>> workers_;
  pthread_t monitor_{};
  bool monitor_started_ = false;
  bool monitor_parked_ = false;
  Clock::time_point last_busy_;
  size_t running_ = 0;
  bool joined_ = false;

  // Under queue_mutex_:
  std::deque<std::function<void()>> jobs_;
  // Parked threads, the most recently parked last (its stack and caches are warm).
  std::vector<Worker*> idle_;
  // Threads a post has woken that have not yet looked at the queue.
  size_t waking_ = 0;
  // Threads polling for work before they sleep.
  size_t spinning_ = 0;
  // Whether spinning pays: +1 per spin that found work, -4 per spin that did not (so it keeps spinning
  // while at least 4 of 5 spins find work).
  int spin_score_ = 0;
  unsigned sleeps_ = 0;
  // Written under queue_mutex_; the monitor reads it without.
  std::atomic<bool> stopping_{false};
  // jobs_.size(), readable without the lock by spinning threads and the monitor.
  std::atomic<size_t> queued_{0};
};

}  // namespace isorun
