// One thread sleeps on it, any thread wakes it. Waking never blocks the waker: a
// std::condition_variable can make its notifier wait until threads it woke earlier have been scheduled
// (glibc's group switch), and Node's thread, which wakes engine threads on every call it posts, must
// not wait on a thread the OS has not run yet. A wake that comes before the sleep is kept. A POSIX
// semaphore: the pool is Linux-only already (per-thread CPU clocks, priorities by thread id).
#pragma once

#include <semaphore.h>

#include <chrono>

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
  sem_t sem_;
};

}  // namespace isorun
