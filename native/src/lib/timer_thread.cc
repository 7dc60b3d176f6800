#include "lib/timer_thread.h"

#include <pthread.h>

namespace isorun {

TimerThread::TimerThread() : thread_([this] { Loop(); }) {}

TimerThread::~TimerThread() { Stop(); }

uint64_t TimerThread::Schedule(Clock::time_point deadline, std::function<void()> callback) {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t id = next_id_++;
  if (stopping_) return id;
  by_deadline_.emplace(deadline, id);
  timers_.emplace(id, std::make_pair(deadline, std::move(callback)));
  if (deadline < wakes_at_) {
    wakes_at_ = deadline;
    wake_.notify_one();
  }
  return id;
}

void TimerThread::Cancel(uint64_t id) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto found = timers_.find(id);
  if (found != timers_.end()) {
    auto range = by_deadline_.equal_range(found->second.first);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second == id) {
        by_deadline_.erase(it);
        break;
      }
    }
    timers_.erase(found);
    return;
  }
  // Firing right now: wait until the callback is done.
  fired_.wait(lock, [&] { return running_id_ != id; });
}

void TimerThread::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TimerThread::Loop() {
  pthread_setname_np(pthread_self(), "isorun-timer");
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (by_deadline_.empty()) {
      wakes_at_ = Clock::time_point::max();
      wake_.wait(lock);
      continue;
    }
    auto next = by_deadline_.begin();
    // A copy: Cancel() may erase the entry while this thread waits.
    Clock::time_point deadline = next->first;
    if (Clock::now() < deadline) {
      wakes_at_ = deadline;
      wake_.wait_until(lock, deadline);
      continue;
    }
    uint64_t id = next->second;
    by_deadline_.erase(next);
    auto found = timers_.find(id);
    std::function<void()> callback = std::move(found->second.second);
    timers_.erase(found);
    running_id_ = id;
    lock.unlock();
    callback();
    lock.lock();
    running_id_ = 0;
    fired_.notify_all();
  }
}

}  // namespace isorun
