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
	"slices"
	"testing"
	"time"
)

func TestSyntheticTraceShape(t *testing.T) {
	trace := SyntheticTrace(monday, 30, time.Minute, 1)
	if len(trace) != 30*24*60 || !trace[0].Time.Equal(monday) || !trace[len(trace)-1].Time.Equal(monday.Add(30*Day-time.Minute)) {
		t.Fatalf("%d samples from %s to %s; want a minute each over 30 days", len(trace), trace[0].Time, trace[len(trace)-1].Time)
	}
	if again := SyntheticTrace(monday, 30, time.Minute, 1); !slices.Equal(trace, again) {
		t.Error("the same seed gave another trace")
	}
	if other := SyntheticTrace(monday, 30, time.Minute, 2); slices.Equal(trace, other) {
		t.Error("another seed gave the same trace")
	}
	mean := func(days, fromHour, toHour int) float64 {
		sum, n := 0.0, 0
		for _, s := range trace[days*1440 : (days+1)*1440] {
			if h := s.Time.Hour(); h >= fromHour && h < toHour {
				sum, n = sum+s.Value, n+1
			}
		}
		return sum / float64(n)
	}
	// Tuesday of the first week: the evening peak at 20:00-21:00 is far
	// above the night at 03:00-05:00, the late morning in between.
	night, morning, evening := mean(1, 3, 5), mean(1, 10, 12), mean(1, 20, 21)
	if !(evening > 3*night && morning > 2*night && evening > morning) {
		t.Errorf("night %.0f, morning %.0f, evening %.0f rps: want two peaks over a low night", night, morning, evening)
	}
	// Saturday against Friday, and the last Tuesday against the first.
	if ratio := mean(5, 0, 24) / mean(4, 0, 24); ratio < 0.5 || ratio > 0.7 {
		t.Errorf("Saturday is %.2f of Friday; want about 0.6", ratio)
	}
	if growth := mean(29, 0, 24) / mean(1, 0, 24); growth < 1.15 || growth > 1.35 {
		t.Errorf("the last Tuesday is %.2f of the first; want about 1.23", growth)
	}
	// Spikes: minutes well above the same minute a week before and after.
	spiked := 0
	for i := 7 * 1440; i < 23*1440; i++ {
		if v := trace[i].Value; v > 1.5*trace[i-7*1440].Value && v > 1.5*trace[i+7*1440].Value {
			spiked++
		}
	}
	if spiked < 10 {
		t.Errorf("%d spiked minutes in the middle 16 days; want some one-off spikes", spiked)
	}
}
