#include "lib/thread_pool.h"

#include <stdexcept>

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
  bool wake = idle_ > 0;
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
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (!jobs_.empty()) {
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      job();
      lock.lock();
      continue;
    }
    if (stopping_) return;
    ++idle_;
    wake_.wait(lock);
    --idle_;
  }
}

}  // namespace isorun
