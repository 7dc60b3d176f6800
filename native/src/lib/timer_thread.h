// One thread that fires callbacks at deadlines: every timeout in the engine shares it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace isorun {

class TimerThread {
 public:
  using Clock = std::chrono::steady_clock;
  TimerThread();
  ~TimerThread();
  TimerThread(const TimerThread&) = delete;
  TimerThread& operator=(const TimerThread&) = delete;

  // Callbacks run on the timer thread and must be short.
  uint64_t Schedule(Clock::time_point deadline, std::function<void()> callback);
  // After Cancel returns the callback has either finished or will never run.
  void Cancel(uint64_t id);
  void Stop();

 private:
  void Loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable fired_;
  std::multimap<Clock::time_point, uint64_t> by_deadline_;
  std::unordered_map<uint64_t, std::pair<Clock::time_point, std::function<void()>>> timers_;
  uint64_t next_id_ = 1;
  uint64_t running_id_ = 0;
  // When the thread will next look at the queue; a later deadline needs no wake-up.
  Clock::time_point wakes_at_ = Clock::time_point::max();
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace isorun
