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

// Package pull_test runs the seed's fleet with cluster-shanghai in pull
// mode: its kurator-agent connects to the control plane, which holds no
// credentials for it, and applies its Works with the same executor the
// control plane uses for the push members.
package pull_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"kurator.dev/kurator/test/framework"
)

// pulled is the seed member that runs in pull mode.
const pulled = "cluster-shanghai"

var fleet *framework.Fleet

func TestMain(m *testing.M) {
	var err error
	// A short heartbeat keeps failover tests quick; the defaults (40 s,
	// 10 s) differ only in scale.
	fleet, err = framework.StartWith(context.Background(), framework.Options{
		Pull: []string{pulled}, AgentLeaseDuration: "8s", AgentLeaseRenewInterval: "2s",
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
