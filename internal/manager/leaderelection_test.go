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

package manager

import (
	"flag"
	"strings"
	"testing"
)

func TestLeaderElectionFlags(t *testing.T) {
	for args, want := range map[string]string{
		"":                                  "",
		"--leader-elect-lease-duration=10s": "must be greater than --leader-elect-renew-deadline",
		"--leader-elect-renew-deadline=2s":  "1.2 × --leader-elect-retry-period",
		"--leader-elect-retry-period=0s":    "must be positive",
		"--leader-elect-qps=0":              "--leader-elect-qps and --leader-elect-burst must be positive",
		"--leader-elect-lease-duration=30s --leader-elect-renew-deadline=20s --leader-elect-retry-period=4s": "",
	} {
		var l LeaderElection
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		l.AddFlags(fs)
		if err := fs.Parse(strings.Fields(args)); err != nil {
			t.Fatal(err)
		}
		err := l.Validate()
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", args, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: got %v, want an error containing %q", args, err, want)
		}
	}
	var l LeaderElection
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	l.AddFlags(fs)
	if l.LeaseDuration.String() != "15s" || l.RenewDeadline.String() != "10s" || l.RetryPeriod.String() != "2s" {
		t.Fatalf("defaults %s/%s/%s, want 15s/10s/2s", l.LeaseDuration, l.RenewDeadline, l.RetryPeriod)
	}
}
