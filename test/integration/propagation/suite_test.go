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
package propagation_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"

	"kurator.dev/kurator/test/framework"
)

// fleet is shared by every test of the package.
var fleet *framework.Fleet

// controllerManagerMetrics is where the fleet's controller-manager serves
// /metrics.
var controllerManagerMetrics string

func TestMain(m *testing.M) {
	var err error
	if controllerManagerMetrics, err = freeLoopbackAddress(); err != nil {
		fmt.Fprintf(os.Stderr, "pick a metrics port: %v\n", err)
		os.Exit(1)
	}
	fleet, err = framework.StartWith(context.Background(), framework.Options{
		ControllerManagerArgs: []string{"--metrics-bind-address=" + controllerManagerMetrics}})
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

// freeLoopbackAddress is a loopback address with a port free right now.
func freeLoopbackAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().String(), nil
}
