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
	"fmt"
	"time"

	"github.com/robfig/cron/v3"

	// A CronFederatedHPA names its time zone; the images carry no zoneinfo.
	_ "time/tzdata"
)

// maxMissedRuns bounds the search for the latest due run of a schedule
// that has not run for a long time (a year of runs every minute).
const maxMissedRuns = 600_000

// Schedule is a CronFederatedHPA rule's schedule: a standard five-field
// cron expression in a time zone.
type Schedule struct {
	expr     string
	location *time.Location
	schedule cron.Schedule
}

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses expr ("0 8 * * 1-5", or a descriptor like
// "@hourly") in timeZone, an IANA name; empty means UTC.
func ParseSchedule(expr, timeZone string) (*Schedule, error) {
	location := time.UTC
	if timeZone != "" {
		var err error
		if location, err = time.LoadLocation(timeZone); err != nil {
			return nil, fmt.Errorf("time zone %q: %w", timeZone, err)
		}
	}
	schedule, err := cronParser.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", expr, err)
	}
	return &Schedule{expr: expr, location: location, schedule: schedule}, nil
}

// Next is the first run after t.
func (s *Schedule) Next(t time.Time) time.Time { return s.schedule.Next(t.In(s.location)) }

// Due returns the latest run in (last, now], if any: a rule that missed
// several runs (the controller was down) applies the latest one only. last
// is the rule's last run recorded in status, or the object's creation.
func (s *Schedule) Due(last, now time.Time) (time.Time, bool) {
	var due time.Time
	for i, t := 0, s.Next(last); !t.After(now) && !t.IsZero() && i < maxMissedRuns; i, t = i+1, s.Next(t) {
		due = t
	}
	return due, !due.IsZero()
}
