#include "isolate/spare_isolate.h"

#include <pthread.h>

#include <algorithm>
#include <system_error>

namespace isorun {

std::shared_ptr<Environment> SpareIsolate::Take(const Environment::Options& options) {
  std::shared_ptr<Environment> env;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    // One being made for these options and due soon is ready sooner than one begun here. On a busy
    // machine the thread making it runs slowly and its builds take longer: then this one builds its
    // own, and the one being made serves the next call.
    if (building_ && Same(*building_, options)) {
      Clock::time_point due = build_started_ + build_time_;
      Clock::time_point now = Clock::now();
      if (due - now <= kWaitAtMost) {
        changed_.wait_until(lock, std::max(due, now) + kWaitAtMost, [&] { return stopping_ || !building_; });
      }
    }
    if (!stopping_) {
      if (ready_ && Same(ready_options_, options)) {
        env = std::move(ready_);
        ready_options_ = {};  // holds a snapshot alive otherwise
      } else if (ready_) {
        stale_ = std::move(ready_);
      }
      wanted_ = options;
      if (!thread_.joinable()) {
        try {
          thread_ = std::thread([this] { Run(); });
        } catch (const std::system_error&) {
          wanted_.reset();  // no thread to spare (the process is at its limit): build each on the spot
        }
      }
      changed_.notify_all();
    }
  }
  if (env) {
    services_.counters->isolates_made_ahead.fetch_add(1);
  } else {
    env = Environment::Create(services_, options);
  }
  env->Adopt();
  return env;
}

void SpareIsolate::Run() {
  pthread_setname_np(pthread_self(), "isorun-ahead");
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || stale_ || (wanted_ && !ready_); });
    if (stopping_) return;
    if (stale_) {
      std::shared_ptr<Environment> stale = std::move(stale_);
      lock.unlock();
      Free(std::move(stale));
      lock.lock();
      continue;
    }
    building_ = std::move(wanted_);
    wanted_.reset();
    build_started_ = Clock::now();
    Environment::Options options = *building_;
    lock.unlock();
    std::shared_ptr<Environment> made;
    try {
      made = Environment::Create(services_, options);
      made->Prepare();
    } catch (const std::exception&) {
      // Out of memory: the next request builds its own, as without a spare.
      made.reset();
    }
    lock.lock();
    building_.reset();
    build_time_ = (build_time_ * 3 + (Clock::now() - build_started_)) / 4;
    // Kept unless a call has since asked for other options: the next spare is made for those.
    if (made && !stopping_ && !ready_ && (!wanted_ || Same(*wanted_, options))) {
      ready_ = std::move(made);
      ready_options_ = std::move(options);
    }
    changed_.notify_all();
    if (made) {
      lock.unlock();
      Free(std::move(made));
      lock.lock();
    }
  }
}

void SpareIsolate::Free(std::shared_ptr<Environment> env) {
  try {
    env->Dispose();
    env.reset();
  } catch (const std::exception&) {
    // Out of memory while freeing (posting the teardown of a large heap): the isolate goes with the process.
  }
}

void SpareIsolate::Stop() {
  std::shared_ptr<Environment> ready;
  std::shared_ptr<Environment> stale;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    ready = std::move(ready_);
    stale = std::move(stale_);
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  if (ready) Free(std::move(ready));
  if (stale) Free(std::move(stale));
}

}  // namespace isorun
