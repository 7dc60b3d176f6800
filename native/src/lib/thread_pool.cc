#include "lib/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <sched.h>

namespace isorun {

ThreadPool::ThreadPool(size_t threads, size_t stack_bytes) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  for (size_t i = 0; i < threads; ++i) {
    pthread_t thread;
    if (pthread_create(&thread, &attr, &ThreadPool::Main, this) != 0) {
      pthread_attr_destroy(&attr);
      Stop();
      throw std::runtime_error("isorun: could not start an engine thread");
    }
    threads_.push_back(thread);
  }
  pthread_attr_destroy(&attr);
}

ThreadPool::~ThreadPool() { Stop(); }

void ThreadPool::Post(std::function<void()> job) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_) return;
  jobs_.push_back(std::move(job));
  queued_.store(jobs_.size(), std::memory_order_release);
  // A spinning thread takes the job without a wake-up (a futex wake costs the caller and the woken
  // thread several microseconds each).
  bool wake = idle_ > 0 && jobs_.size() > spinning_;
  lock.unlock();
  if (wake) wake_.notify_one();
}

void ThreadPool::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (joined_) return;
    stopping_ = true;
    joined_ = true;
  }
  wake_.notify_all();
  for (pthread_t thread : threads_) pthread_join(thread, nullptr);
}

void* ThreadPool::Main(void* self) {
  static_cast<ThreadPool*>(self)->Loop();
  return nullptr;
}

void ThreadPool::Loop() {
  // How long a thread that ran out of work polls for more before it sleeps: a caller that awaits one
  // result and posts the next (back-to-back engine calls) finds it awake, which saves a futex wake on
  // both sides (async round trip 21 → 14 µs). A spin that finds nothing burns up to this much CPU, so
  // threads spin only while most spins find work, and otherwise try again once in a while.
  constexpr auto kSpin = std::chrono::microseconds(50);
  constexpr int kHit = 1, kMiss = 4, kScoreLimit = 64;
  constexpr unsigned kProbeEvery = 32;
  std::unique_lock<std::mutex> lock(mutex_);
  bool spun = false;
  for (;;) {
    if (!jobs_.empty()) {
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      queued_.store(jobs_.size(), std::memory_order_release);
      lock.unlock();
      job();
      lock.lock();
      spun = false;
      continue;
    }
    if (stopping_) return;
    if (!spun && (spin_score_ >= 0 || ++sleeps_ % kProbeEvery == 0)) {
      spun = true;
      ++spinning_;
      lock.unlock();
      auto until = std::chrono::steady_clock::now() + kSpin;
      while (queued_.load(std::memory_order_acquire) == 0 && std::chrono::steady_clock::now() < until) {
        sched_yield();
      }
      lock.lock();
      --spinning_;
      spin_score_ =
          jobs_.empty() ? std::max(spin_score_ - kMiss, -kScoreLimit) : std::min(spin_score_ + kHit, kScoreLimit);
      continue;
    }
    ++idle_;
    wake_.wait(lock);
    --idle_;
    spun = false;
  }
}

}  // namespace isorun
