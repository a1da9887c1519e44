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

// Package interpreter_test checks, against the local fleet, that a kind
// Kurator knows nothing about becomes a first-class workload through a
// ResourceInterpreterCustomization: divided, with its dependencies, its
// member-owned fields kept, its status aggregated and its health driving
// application failover; and that a broken or endless script is reported
// on the customisation while everything else carries on. The members have
// the CRDs but no operator for them: the tests write the members' status,
// as an operator would. cluster-shanghai runs in pull mode, so its copies are
// judged and reported by its agent, with the customisations it loads from
// the control plane.
package interpreter_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"kurator.dev/kurator/test/framework"
)

// fleet is shared by every test of the package.
var fleet *framework.Fleet

func TestMain(m *testing.M) {
	var err error
	// Each test installs its CRD in the members: the Clusters' API
	// enablements are read again every 5s instead of every minute, so that
	// the scheduler sees the new kind soon.
	fleet, err = framework.StartWith(context.Background(), framework.Options{
		ControllerManagerArgs: []string{"--cluster-api-enablements-refresh=5s"},
		Pull:                  []string{"cluster-shanghai"}, AgentAPIEnablementsRefresh: "5s",
	})
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
