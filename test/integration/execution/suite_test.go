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

// Package execution_test runs the execution controller in-process against
// a real local fleet (the fleet's own controller-manager keeps the Clusters
// ready) and checks what lands in the member clusters.
package execution_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/test/framework"
)

const (
	hangzhou = "cluster-hangzhou"
	shanghai = "cluster-shanghai"
)

// fleetYAML is a two-member fleet: enough for one target and a bystander,
// and quicker to start than the seed's three.
const fleetYAML = `apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata:
  name: execution-it
  namespace: kurator-system
spec:
  clusters:
  - name: cluster-hangzhou
    labels:
      region: asia-east
  - name: cluster-shanghai
    labels:
      region: asia-east
`

// fleet is shared by every test of the package.
var fleet *framework.Fleet

// controllerManagerMetrics is where the fleet's controller-manager serves
// /metrics: tests read from its work queue when it has caught up.
var controllerManagerMetrics string

func TestMain(m *testing.M) {
	ctx, cancel := context.WithCancel(context.Background())
	var err error
	if controllerManagerMetrics, err = freeLoopbackAddress(); err != nil {
		fmt.Fprintf(os.Stderr, "pick a metrics port: %v\n", err)
		os.Exit(1)
	}
	fleet, err = framework.StartWith(ctx, framework.Options{FleetYAML: fleetYAML,
		ControllerManagerArgs: []string{"--metrics-bind-address=" + controllerManagerMetrics}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "start local fleet: %v\n", err)
		os.Exit(1)
	}
	code := 1
	if err := prepareNamespaces(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "prepare namespaces: %v\n", err)
	} else {
		code = m.Run()
	}
	cancel()
	if err := fleet.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// prepareNamespaces creates the execution namespaces the tests write Works
// into; the fleet's controller-manager runs the execution controller.
func prepareNamespaces(ctx context.Context) error {
	for _, c := range []string{hangzhou, shanghai, "cluster-nowhere"} {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: workv1alpha1.ExecutionNamespace(c)}}
		if err := fleet.ControlPlane.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
	}
	return nil
}

// freeLoopbackAddress is a loopback address with a port free right now.
func freeLoopbackAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
