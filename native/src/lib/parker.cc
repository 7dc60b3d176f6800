#include "lib/parker.h"

#include <cerrno>
#include <ctime>

namespace isorun {

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

}  // namespace isorun
