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

// Command chartgen writes charts/kurator, the Helm chart of a host install,
// and charts/kurator-agent, the chart of a member's pull agent, from the
// component descriptions (internal/components).
package main

import (
	"flag"
	"fmt"
	"os"

	"kurator.dev/kurator/internal/components"
)

func main() {
	out := flag.String("out", "charts/kurator", "directory of the host install's chart; replaced")
	agentOut := flag.String("agent-out", "charts/kurator-agent", "directory of the pull agent's chart; replaced")
	appVersion := flag.String("app-version", components.ChartAppVersion, "the charts' appVersion, the image tag they default to")
	flag.Parse()
	if err := components.WriteHostChart(*out, *appVersion); err != nil {
		fmt.Fprintln(os.Stderr, "chartgen:", err)
		os.Exit(1)
	}
	if err := components.WriteAgentChart(*agentOut, *appVersion); err != nil {
		fmt.Fprintln(os.Stderr, "chartgen:", err)
		os.Exit(1)
	}
}
