// A fixed set of worker threads with large stacks that run posted jobs in FIFO order.
#pragma once

#include <pthread.h>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace isorun {

class ThreadPool {
 public:
  // stack_bytes is set explicitly: guests recurse deep and V8 needs room below its own limit.
  ThreadPool(size_t threads, size_t stack_bytes);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Post(std::function<void()> job);
  // Runs every job already queued, then joins the threads. Idempotent.
  void Stop();
  size_t size() const { return threads_.size(); }

 private:
  static void* Main(void* self);
  void Loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::vector<pthread_t> threads_;
  size_t idle_ = 0;
  // Threads polling for work before they sleep; changed under mutex_ only.
  size_t spinning_ = 0;
  // Whether spinning pays: +1 per spin that found work, -4 per spin that did not (so it keeps spinning
  // while at least 4 of 5 spins find work); under mutex_.
  int spin_score_ = 0;
  unsigned sleeps_ = 0;
  // jobs_.size(), readable without the mutex by spinning threads.
  std::atomic<size_t> queued_{0};
  bool stopping_ = false;
  bool joined_ = false;
};

}  // namespace isorun
