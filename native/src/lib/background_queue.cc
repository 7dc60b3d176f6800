#include "lib/background_queue.h"

#include <sched.h>

namespace isorun {

bool BackgroundQueue::Post(std::function<void()> job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return false;
  if (!started_) {
    if (pthread_create(&thread_, nullptr, &BackgroundQueue::Main, this) != 0) return false;
    // Named here, so that the name is there when Post returns (per-thread CPU in top -H, /proc).
    pthread_setname_np(thread_, name_);
    started_ = true;
  }
  jobs_.push_back(std::move(job));
  wake_.notify_one();
  return true;
}

void BackgroundQueue::Stop() {
  bool join;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    join = started_;
    wake_.notify_one();
  }
  if (join) pthread_join(thread_, nullptr);
}

size_t BackgroundQueue::pending() {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.size() + running_;
}

void* BackgroundQueue::Main(void* self) {
  auto* queue = static_cast<BackgroundQueue*>(self);
  // Best effort: SCHED_BATCH, so that its wake-ups never preempt a busy thread. Not a lower priority:
  // its jobs may take a process-wide lock that Node's thread waits for (freeing an isolate holds the
  // one that orders isolate creation), and a low-priority holder would be preempted while holding it.
#ifdef SCHED_BATCH
  sched_param param{};
  sched_setscheduler(0, SCHED_BATCH, &param);
#endif
  queue->Loop();
  return nullptr;
}

void BackgroundQueue::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    // Stop() runs what was posted before it: the jobs free memory and must not be dropped.
    if (jobs_.empty()) return;
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    lock.unlock();
    job();
    job = nullptr;
    lock.lock();
    --running_;
  }
}

}  // namespace isorun
