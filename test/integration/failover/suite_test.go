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
// Package failover tests cluster failover against a local fleet whose
// members are really stopped and started; it has a fleet of its own.
package failover

import (
	"context"
	"fmt"
	"os"
	"testing"

	"kurator.dev/kurator/test/framework"
)

var fleet *framework.Fleet

func TestMain(m *testing.M) {
	var err error
	// A longer eviction grace than the default (10s), so that the flapping
	// test's outages stay inside it on a loaded CI machine; a descheduler
	// quicker than the default (2 minutes), so its test takes seconds.
	fleet, err = framework.StartWith(context.Background(), framework.Options{ControllerManagerArgs: []string{
		"--cluster-eviction-grace=20s", "--descheduler-interval=1s", "--descheduler-unschedulable-threshold=3s"}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "start local fleet: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	if err := fleet.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}
