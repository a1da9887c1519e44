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

package autoscaling

import (
	"strings"
	"testing"
	"time"
)

func TestScheduleInATimeZone(t *testing.T) {
	s, err := ParseSchedule("0 8 * * 1-5", "Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// Monday 2026-12-07 00:30 UTC is 08:30 in Shanghai: the next run is
	// Tuesday 08:00 there, 00:00 UTC.
	now := time.Date(2026, 12, 7, 0, 30, 0, 0, time.UTC)
	if next := s.Next(now).UTC(); !next.Equal(time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("next run %s; want 2026-12-08T00:00:00Z", next)
	}
	// Created on Friday before the run, checked on Monday: Friday's and
	// Monday's runs were missed, and only Monday's applies.
	created := time.Date(2026, 12, 3, 23, 0, 0, 0, time.UTC)
	due, ok := s.Due(created, now)
	if !ok || !due.UTC().Equal(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("due %s (%t); want Monday 08:00 Shanghai, 2026-12-07T00:00:00Z", due.UTC(), ok)
	}
	// Once it ran, nothing is due until Tuesday.
	if _, ok := s.Due(due, now); ok {
		t.Fatal("a run already recorded is due again")
	}
}

func TestScheduleAcrossDaylightSaving(t *testing.T) {
	s, err := ParseSchedule("0 9 * * *", "Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Berlin moves to summer time on 2026-03-29: 09:00 is 08:00 UTC the
	// day before and 07:00 UTC on the day.
	before := s.Next(time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC)).UTC()
	after := s.Next(time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)).UTC()
	if before.Hour() != 8 || after.Hour() != 7 {
		t.Fatalf("09:00 Berlin at %s and %s; want 08:00 and 07:00 UTC", before, after)
	}
}

func TestScheduleErrorsSayWhatIsWrong(t *testing.T) {
	if _, err := ParseSchedule("0 8 * *", "UTC"); err == nil || !strings.Contains(err.Error(), `schedule "0 8 * *"`) {
		t.Fatalf("four fields: %v", err)
	}
	if _, err := ParseSchedule("0 8 * * *", "Mars/Olympus"); err == nil || !strings.Contains(err.Error(), `time zone "Mars/Olympus"`) {
		t.Fatalf("unknown zone: %v", err)
	}
	s, err := ParseSchedule("@hourly", "")
	if err != nil {
		t.Fatal(err)
	}
	if next := s.Next(time.Date(2026, 12, 7, 10, 15, 0, 0, time.UTC)); !next.Equal(time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("@hourly in UTC: %s", next)
	}
}
