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
	"fmt"
	"os"
	"time"

	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	ctrl "sigs.k8s.io/controller-runtime"

	"kurator.dev/kurator/internal/components"
)

// LeaderElection tunes the Lease that lets several controller-manager
// replicas run with one acting.
type LeaderElection struct {
	Identity                                  string
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// QPS and Burst limit the election's own client, so that a busy
	// controller cannot starve the leader's renewals.
	QPS   float64
	Burst int
}

// AddFlags registers the leader-election flags with their defaults
// (components.DefaultLeaseTimings: 15/10/2 s).
func (l *LeaderElection) AddFlags(fs *flag.FlagSet) {
	d := components.DefaultLeaseTimings()
	fs.StringVar(&l.Identity, "leader-elect-identity", "", "this replica's name in the leader Lease; empty: hostname_uuid")
	fs.DurationVar(&l.LeaseDuration, "leader-elect-lease-duration", mustDuration(d.Duration), "how long standbys wait after the last renewal before taking the lead")
	fs.DurationVar(&l.RenewDeadline, "leader-elect-renew-deadline", mustDuration(d.RenewDeadline), "how long the leader keeps trying to renew before it steps down")
	fs.DurationVar(&l.RetryPeriod, "leader-elect-retry-period", mustDuration(d.RetryPeriod), "how often the leader renews and standbys try")
	fs.Float64Var(&l.QPS, "leader-elect-qps", 50, "requests per second of the leader election's own client")
	fs.IntVar(&l.Burst, "leader-elect-burst", 100, "burst of the leader election's own client")
}

// Validate checks the timings as client-go's elector would, but at start-up
// with the flag names.
func (l *LeaderElection) Validate() error {
	switch {
	case l.RetryPeriod <= 0 || l.RenewDeadline <= 0 || l.LeaseDuration <= 0:
		return fmt.Errorf("--leader-elect-lease-duration, --leader-elect-renew-deadline and --leader-elect-retry-period must be positive")
	case l.LeaseDuration <= l.RenewDeadline:
		return fmt.Errorf("--leader-elect-lease-duration (%s) must be greater than --leader-elect-renew-deadline (%s)", l.LeaseDuration, l.RenewDeadline)
	case float64(l.RenewDeadline) <= 1.2*float64(l.RetryPeriod):
		return fmt.Errorf("--leader-elect-renew-deadline (%s) must be greater than 1.2 × --leader-elect-retry-period (%s)", l.RenewDeadline, l.RetryPeriod)
	case l.QPS <= 0 || l.Burst <= 0:
		return fmt.Errorf("--leader-elect-qps and --leader-elect-burst must be positive")
	}
	return nil
}

// apply sets the manager's leader election: a Lease lock of our own so the
// identity is readable ('kurator status' shows who leads) and its client has
// its own rate limiter, and the Lease released on a clean stop so a standby
// leads at once.
func (l *LeaderElection) apply(o *ctrl.Options, cfg *rest.Config, namespace string) error {
	id := l.Identity
	if id == "" {
		host, err := os.Hostname()
		if err != nil {
			return err
		}
		id = host + "_" + string(uuid.NewUUID())
	}
	lcfg := rest.CopyConfig(cfg)
	lcfg.QPS, lcfg.Burst = float32(l.QPS), l.Burst
	lcfg.Timeout = l.RenewDeadline / 2
	cs, err := kubernetes.NewForConfig(rest.AddUserAgent(lcfg, "leader-election"))
	if err != nil {
		return err
	}
	lock, err := resourcelock.New(resourcelock.LeasesResourceLock, namespace, components.LeaderElectionID,
		cs.CoreV1(), cs.CoordinationV1(), resourcelock.ResourceLockConfig{Identity: id})
	if err != nil {
		return err
	}
	o.LeaderElection = true
	o.LeaderElectionID = components.LeaderElectionID
	o.LeaderElectionNamespace = namespace
	o.LeaderElectionResourceLockInterface = lock
	o.LeaderElectionReleaseOnCancel = true
	o.LeaseDuration, o.RenewDeadline, o.RetryPeriod = &l.LeaseDuration, &l.RenewDeadline, &l.RetryPeriod
	return nil
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(fmt.Sprintf("default lease timing %q: %v", s, err))
	}
	return d
}
