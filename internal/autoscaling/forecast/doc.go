/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package forecast predicts a workload's load (a fleet-wide metric series
// such as requests per second or CPU cores used) over a coming window from
// its history, so that predictive autoscaling can provision for the
// window's peak before the load arrives. It is pure: the caller supplies
// the history (a Prometheus range query over up to 30 days), the time and
// the window; nothing here reads a clock or a metrics system.
//
// # History
//
// The history is resampled onto a regular grid of the forecast's step,
// aligned so that one grid point falls on now: each grid point holds the
// mean of the samples nearest to it, samples may come in any order, and
// samples after now, older than Config.History or not finite are dropped.
// Gaps between samples are filled by straight lines between their
// neighbours; a gap at the end (the metric stopped reporting) is not.
// Both algorithms need at least MinHistory (one day) between the oldest
// sample and now, and return ErrHistoryTooShort otherwise.
//
// # Seasonal: level-corrected seasonal naive with daily and weekly profiles
//
// For each future time t the baseline is the value the past says belongs
// to t:
//
//   - daily profile D(t): the median of the history at the same time of day
//     on each of the last 7 days (t-1d, t-2d, ... t-7d; fewer with less
//     history). It follows changes of the day's shape within days, and
//     takes single points, so a sharp daily feature (a 09:00 batch) keeps
//     its shape.
//   - weekly factor F(t): with at least one full week of history, how
//     much this day of the week differs from a typical day at this time (a
//     weekend dip, a Monday peak). Let M(u) be the mean of the history
//     within 30 minutes either side of u. F(t) is the median of M at the
//     same time of week over the last K weeks (t-7d ... t-K*7d, K up to 4),
//     divided by the median of M at the same time of day over those K
//     weeks' days (t-1d ... t-K*7d). Averaging over the hour keeps the
//     noise of single points out of a factor that multiplies every point;
//     the price is that a day-of-week change sharper than an hour (a
//     weekend that starts at midnight) is blurred over that hour. With
//     less than a week of history F is 1, and the Prediction's Method says
//     the forecast is daily-only.
//   - baseline S(t) = D(t) * F(t).
//
// Medians rather than means keep a one-off spike on one day out of the
// profile. The baseline still describes the level of the days it was taken
// from, so it is corrected by the level of the most recent hours:
// L = (sum of the history over the last Config.LevelWindow, default 2h) /
// (sum of the baseline S over the same points). A fleet that grew 20% since
// last week has L near 1.2. The forecast is max(0, L * S(t)) * (1 + Margin).
// L is held constant over the window, which is short (about an hour)
// against the weeks a trend takes to show. Days and weeks are calendar days
// in Config.Location (UTC by default), so a daylight-saving change does not
// shift the profile by an hour.
//
// # Percentile: time-of-day percentile
//
// The day is cut into buckets of Config.Bucket (default 1h) of wall-clock
// time in Config.Location. The forecast for t is the p-th percentile
// (Config.Percentile, default 95) of every resampled history point, on
// every day, that falls into t's bucket, times (1 + Margin). The percentile
// is the nearest rank: the smallest value that at least p% of the points
// are at or below, so p=100 is the bucket's maximum. It ignores weekdays
// and trends, and buys safety with replicas: it suits a load whose daily
// peaks vary and must be covered.
//
// # Peak and replay
//
// A Prediction's Peak is the highest forecast point in [now, now+window],
// which is what pre-scaling provisions for. SyntheticTrace generates a
// synthetic 30-day request-rate trace and Replay compares a reactive HPA
// with predictive pre-scaling on a trace; both exist to test and measure
// the algorithms, not to describe any real workload.
package forecast
