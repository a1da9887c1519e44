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

package forecast

import (
	"testing"
	"time"
)

// BenchmarkForecast30Days forecasts an hour a minute apart from 30 days of
// one-minute history (43,200 samples).
func BenchmarkForecast30Days(b *testing.B) {
	trace := SyntheticTrace(monday, 30, time.Minute, 1)
	now := trace[len(trace)-1].Time.Add(time.Minute)
	for _, algorithm := range []Algorithm{Seasonal, Percentile} {
		b.Run(string(algorithm), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Forecast(trace, now, time.Hour, time.Minute, Config{Algorithm: algorithm}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReplay30Days replays the 30-day trace minute by minute, with a
// forecast every 15 minutes over the last 23 days.
func BenchmarkReplay30Days(b *testing.B) {
	trace := SyntheticTrace(monday, 30, time.Minute, 1)
	for _, algorithm := range []Algorithm{Seasonal, Percentile} {
		b.Run(string(algorithm), func(b *testing.B) {
			b.ReportAllocs()
			var r ReplayResult
			for b.Loop() {
				var err error
				if r, err = Replay(trace, ReplayConfig{CapacityPerReplica: 100, Forecast: Config{Algorithm: algorithm}}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(r.ForecastMAPE, "MAPE%")
			b.ReportMetric(r.Reactive.UnderProvisionedMinutes, "reactive-under-min")
			b.ReportMetric(r.Predictive.UnderProvisionedMinutes, "predictive-under-min")
			b.ReportMetric(r.Reactive.ReplicaMinutes, "reactive-replica-min")
			b.ReportMetric(r.Predictive.ReplicaMinutes, "predictive-replica-min")
		})
	}
}
