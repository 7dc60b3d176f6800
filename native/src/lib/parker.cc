#include "lib/parker.h"

#include <cerrno>
#include <ctime>

namespace isorun {

#ifdef __linux__

Parker::Parker() { sem_init(&sem_, 0, 0); }
Parker::~Parker() { sem_destroy(&sem_); }

void Parker::Unpark() { sem_post(&sem_); }

void Parker::Park() {
  while (sem_wait(&sem_) != 0 && errno == EINTR) {
  }
}

bool Parker::ParkFor(std::chrono::milliseconds timeout) {
  // sem_clockwait (monotonic) needs glibc 2.30; the realtime clock only stretches or shortens an
  // idle thread's linger if the wall clock jumps.
  timespec deadline{};
  clock_gettime(CLOCK_REALTIME, &deadline);
  auto ns = deadline.tv_nsec + std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
  deadline.tv_sec += time_t(ns / 1'000'000'000);
  deadline.tv_nsec = long(ns % 1'000'000'000);
  for (;;) {
    if (sem_timedwait(&sem_, &deadline) == 0) return true;
    if (errno != EINTR) return false;
  }
}

#else

Parker::Parker() = default;
Parker::~Parker() = default;

void Parker::Unpark() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++tokens_;
  }
  cond_.notify_one();
}

void Parker::Park() {
  std::unique_lock<std::mutex> lock(mutex_);
  cond_.wait(lock, [this] { return tokens_ > 0; });
  --tokens_;
}

bool Parker::ParkFor(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!cond_.wait_for(lock, timeout, [this] { return tokens_ > 0; })) return false;
  --tokens_;
  return true;
}

#endif

}  // namespace isorun
