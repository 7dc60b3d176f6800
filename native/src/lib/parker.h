// One thread sleeps on it, any thread wakes it. Waking never blocks the waker: a
// std::condition_variable can make its notifier wait until threads it woke earlier have been scheduled
// (glibc's group switch), and Node's thread, which wakes engine threads on every call it posts, must
// not wait on a thread the OS has not run yet. A wake that comes before the sleep is kept.
#pragma once

#include <chrono>

#ifdef __linux__
#include <semaphore.h>
#else
#include <condition_variable>
#include <mutex>
#endif

namespace isorun {

class Parker {
 public:
  Parker();
  ~Parker();
  Parker(const Parker&) = delete;
  Parker& operator=(const Parker&) = delete;

  void Unpark();
  void Park();
  // False if `timeout` passed without a wake.
  bool ParkFor(std::chrono::milliseconds timeout);

 private:
#ifdef __linux__
  sem_t sem_;
#else
  std::mutex mutex_;
  std::condition_variable cond_;
  unsigned tokens_ = 0;
#endif
};

}  // namespace isorun
