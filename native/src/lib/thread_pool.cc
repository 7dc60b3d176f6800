#include "lib/thread_pool.h"

#include <algorithm>
#include <stdexcept>

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace isorun {

namespace {

// A job that has used this much CPU (or been running this long, blocked) no longer counts against the
// pool's size: when work waits and fewer than `threads` threads run short jobs, the pool starts one
// more thread. A guest that spins until its timeout then costs its own time, not the wait of every
// other isolate's calls behind it. CPU time, so that short jobs the OS preempted on a busy machine do
// not count as long.
constexpr int64_t kSliceNs = 2'000'000;
constexpr auto kBlockedSlice = std::chrono::milliseconds(50);
// A job past its CPU slice also runs at this nice value, so that short jobs, and Node's own thread,
// win the CPU from guests that compute for long (CFS weighs nice 10 at about 1/10 of nice 0; not 19,
// so that a terminated guest on a busy machine still gets scheduled soon enough to end near its deadline).
constexpr int kLongJobNice = 10;
// How often the monitor looks while jobs run, and how long after the last job it keeps looking.
constexpr auto kMonitorPeriod = std::chrono::milliseconds(2);
constexpr auto kMonitorLinger = std::chrono::milliseconds(200);
// An extra thread idle this long exits.
constexpr auto kExtraLinger = std::chrono::seconds(1);
constexpr size_t kMaxExtra = 64;

// How long a thread that ran out of work polls for more before it sleeps: a caller that awaits one
// result and posts the next (back-to-back engine calls) finds it awake, which saves a futex wake on
// both sides (async round trip 21 → 14 µs). A spin that finds nothing burns up to this much CPU, so
// threads spin only while most spins find work, and otherwise try again once in a while.
constexpr auto kSpin = std::chrono::microseconds(50);
constexpr int kHit = 1, kMiss = 4, kScoreLimit = 64;
constexpr unsigned kProbeEvery = 32;

// The worker running on this thread (null on threads that are not a pool's).
thread_local const void* current_worker = nullptr;

}  // namespace

ThreadPool::ThreadPool(size_t threads, size_t stack_bytes) : base_(threads), stack_bytes_(stack_bytes) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (size_t i = 0; i < threads; ++i) {
    if (!Spawn(false)) {
      lock.unlock();
      Stop();
      throw std::runtime_error("isorun: could not start an engine thread");
    }
  }
  if (pthread_create(&monitor_, nullptr, &ThreadPool::MonitorMain, this) != 0) {
    lock.unlock();
    Stop();
    throw std::runtime_error("isorun: could not start the engine's pool monitor");
  }
  monitor_started_ = true;
}

ThreadPool::~ThreadPool() { Stop(); }

bool ThreadPool::Spawn(bool extra) {
  auto worker = std::make_unique<Worker>();
  worker->pool = this;
  worker->extra = extra;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes_);
  bool started = pthread_create(&worker->thread, &attr, &ThreadPool::Main, worker.get()) == 0;
  pthread_attr_destroy(&attr);
  if (started) workers_.push_back(std::move(worker));
  return started;
}

void ThreadPool::ReapExited() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if ((*it)->exited) {
      // It set `exited` as its last act under the mutex: the join does not wait on us.
      pthread_join((*it)->thread, nullptr);
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

bool ThreadPool::Post(std::function<void()> job) {
  Worker* wake = nullptr;
  {
    std::lock_guard<std::mutex> queue(queue_mutex_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
    queued_.store(jobs_.size(), std::memory_order_release);
    // A spinning thread (or one already woken) takes the job without a wake-up (a futex wake costs the
    // caller and the woken thread several microseconds each).
    if (!idle_.empty() && jobs_.size() > spinning_ + waking_) {
      wake = idle_.back();
      idle_.pop_back();
      wake->parked = false;
      ++waking_;
    }
  }
  if (wake != nullptr) wake->parker.Unpark();
  return true;
}

void ThreadPool::Stop() {
  std::vector<pthread_t> threads;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (joined_) return;
    joined_ = true;
    std::lock_guard<std::mutex> queue(queue_mutex_);
    stopping_ = true;
    for (Worker* idle : idle_) {
      idle->parked = false;
      ++waking_;
      idle->parker.Unpark();
    }
    idle_.clear();
  }
  monitor_wake_.notify_all();
  if (monitor_started_) pthread_join(monitor_, nullptr);
  {
    // The monitor is gone, so nobody spawns any more.
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& worker : workers_) threads.push_back(worker->thread);
  }
  for (pthread_t thread : threads) pthread_join(thread, nullptr);
  std::lock_guard<std::mutex> lock(mutex_);
  workers_.clear();
}

ThreadPool::JobTicket ThreadPool::CurrentJob() {
  // Only this thread changes its own job counter, so reading it here needs no lock.
  const auto* worker = static_cast<const Worker*>(current_worker);
  return worker == nullptr ? JobTicket{} : JobTicket{worker, worker->job};
}

void ThreadPool::Lower(const JobTicket& ticket, int nice) {
  if (ticket.worker == nullptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& worker : workers_) {
    if (worker.get() != ticket.worker) continue;
    // The job may have ended (and the thread taken another) since the ticket was issued.
    if (worker->exited || !worker->running || worker->job != ticket.job) return;
    if (setpriority(PRIO_PROCESS, id_t(worker->tid), nice) == 0) worker->demoted = true;
    return;
  }
}

void* ThreadPool::Main(void* worker) {
  auto* self = static_cast<Worker*>(worker);
  // Named so that per-thread CPU (top -H, /proc/PID/task) tells the engine's threads apart.
  pthread_setname_np(pthread_self(), self->extra ? "isorun-extra" : "isorun-engine");
  // SCHED_BATCH: a woken engine thread does not preempt the thread that woke it. Node's thread posts a
  // call and used to lose its CPU on the spot to the engine thread it woke (the post took 40-80 µs on
  // average in a loaded server instead of 3), which delayed every request it had in hand: paced
  // 1,000 req/s p99 6.1-9.3 -> 5.0-8.5 ms over 7 alternating pairs; an async round trip +0.3 µs.
  // Best effort: where it fails or does not exist (not Linux) the threads keep the default policy.
#ifdef SCHED_BATCH
  sched_param param{};
  sched_setscheduler(0, SCHED_BATCH, &param);
#endif
  self->pool->Loop(self);
  return nullptr;
}

void* ThreadPool::MonitorMain(void* self) {
  pthread_setname_np(pthread_self(), "isorun-monitor");
  static_cast<ThreadPool*>(self)->Monitor();
  return nullptr;
}

void ThreadPool::Monitor() {
  std::unique_lock<std::mutex> lock(mutex_);
  last_busy_ = Clock::now();
  while (!stopping_) {
    auto now = Clock::now();
    if (running_ > 0 || queued_.load(std::memory_order_acquire) > 0) last_busy_ = now;
    if (now - last_busy_ > kMonitorLinger) {
      // Nothing ran for a while: sleep until a thread starts a job (it wakes us).
      ReapExited();
      monitor_parked_ = true;
      monitor_wake_.wait(lock);
      monitor_parked_ = false;
      last_busy_ = Clock::now();
      continue;
    }
    monitor_wake_.wait_for(lock, kMonitorPeriod);
    if (!stopping_) Watch();
  }
}

void ThreadPool::Watch() {
  ReapExited();
  auto now = Clock::now();
  size_t long_running = 0;
  size_t alive = 0;
  size_t base_alive = 0;
  for (const auto& worker : workers_) {
    if (worker->exited) continue;
    ++alive;
    if (!worker->extra) ++base_alive;
    if (!worker->running) continue;
    // CPU time, not wall time: a short job that the OS preempted (the machine is busy) is not long.
    timespec cpu{};
    int64_t cpu_ns = clock_gettime(worker->cpu_clock, &cpu) == 0 ? int64_t(cpu.tv_sec) * 1000000000 + cpu.tv_nsec : 0;
    if (worker->job_seen != worker->job) {
      worker->job_seen = worker->job;
      worker->job_cpu_base_ns = cpu_ns;
    }
    bool long_cpu = cpu_ns - worker->job_cpu_base_ns >= kSliceNs;
    // A job blocked without using CPU (Atomics.wait) still holds its thread.
    bool long_wall = now - worker->job_started >= kBlockedSlice;
    if (long_cpu || long_wall) ++long_running;
    if (long_cpu && !worker->demoted && setpriority(PRIO_PROCESS, id_t(worker->tid), kLongJobNice) == 0) {
      worker->demoted = true;
    }
  }
  // A base thread that could not get its priority back retired: replace it (from here, at full priority).
  while (base_alive < base_ && Spawn(false)) ++base_alive, ++alive;
  bool waiting;
  {
    std::lock_guard<std::mutex> queue(queue_mutex_);
    waiting = !jobs_.empty() && idle_.empty() && spinning_ == 0 && waking_ == 0;
  }
  // Every thread not held by a long job takes the waiting work soon: a parked one is woken by the next
  // post, one between two jobs (or preempted there by the OS) is about to take it. Counting only the
  // threads seen running short jobs read a thread between jobs as missing, and spawned extras for it.
  if (waiting && alive - long_running < base_ && alive < base_ + kMaxExtra) Spawn(true);
}

void ThreadPool::Begin(Worker* self) {
  std::lock_guard<std::mutex> lock(mutex_);
  self->running = true;
  self->job_started = Clock::now();
  ++self->job;
  ++running_;
  if (monitor_parked_) monitor_wake_.notify_one();
}

bool ThreadPool::End(Worker* self) {
  std::lock_guard<std::mutex> lock(mutex_);
  --running_;
  self->running = false;
  if (self->demoted) {
    // Raising a priority back needs CAP_SYS_NICE (or RLIMIT_NICE); without it the thread retires and
    // the monitor starts a fresh one at full priority.
    if (setpriority(PRIO_PROCESS, 0, 0) != 0) return false;
    self->demoted = false;
  }
  return true;
}

bool ThreadPool::Park(Worker* self, std::unique_lock<std::mutex>& queue) {
  idle_.push_back(self);
  self->parked = true;
  queue.unlock();
  bool woken = true;
  if (self->extra) {
    woken = self->parker.ParkFor(kExtraLinger);
  } else {
    self->parker.Park();
  }
  queue.lock();
  if (!woken) {
    if (self->parked) {
      idle_.erase(std::find(idle_.begin(), idle_.end(), self));
      self->parked = false;
      return false;
    }
    // A post took this thread off the idle stack just as the linger ran out; its wake is on the way.
    queue.unlock();
    self->parker.Park();
    queue.lock();
  }
  --waking_;
  return true;
}

void ThreadPool::Loop(Worker* self) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    self->tid = long(syscall(SYS_gettid));
    pthread_getcpuclockid(pthread_self(), &self->cpu_clock);
  }
  current_worker = self;
  std::unique_lock<std::mutex> queue(queue_mutex_);
  bool spun = false;
  for (;;) {
    if (!jobs_.empty()) {
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      queued_.store(jobs_.size(), std::memory_order_release);
      queue.unlock();
      Begin(self);
      job();
      job = nullptr;
      if (!End(self)) break;
      spun = false;
      queue.lock();
      continue;
    }
    if (stopping_) break;
    if (!spun && (spin_score_ >= 0 || ++sleeps_ % kProbeEvery == 0)) {
      spun = true;
      ++spinning_;
      queue.unlock();
      auto until = Clock::now() + kSpin;
      while (queued_.load(std::memory_order_acquire) == 0 && Clock::now() < until) sched_yield();
      queue.lock();
      --spinning_;
      spin_score_ =
          jobs_.empty() ? std::max(spin_score_ - kMiss, -kScoreLimit) : std::min(spin_score_ + kHit, kScoreLimit);
      continue;
    }
    if (!Park(self, queue)) break;
    spun = false;
  }
  if (queue.owns_lock()) queue.unlock();
  std::lock_guard<std::mutex> lock(mutex_);
  self->exited = true;
}

}  // namespace isorun
