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

// Package install_test installs Kurator's chart into a member of its own
// local fleet, which acts as the host cluster: every object is created and
// validated by a real API server, and the simulated kubelet reports the
// pods running (it does not run their containers).
package install_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"kurator.dev/kurator/test/framework"
)

// hostName is the fleet's only member, the host of the installs.
const hostName = "host"

const oneMember = `apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata:
  name: install
spec:
  clusters:
  - {name: host}
`

// storageClass names the PersistentVolumes made for the claims: the host
// has no provisioner.
const storageClass = "manual"

var (
	fleet          *framework.Fleet
	hostKubeconfig string
	host           kubernetes.Interface
)

func TestMain(m *testing.M) {
	var err error
	fleet, err = framework.Start(context.Background(), oneMember)
	if err != nil {
		fmt.Fprintf(os.Stderr, "start local fleet: %v\n", err)
		os.Exit(1)
	}
	code := 1
	if err = setUp(); err != nil {
		fmt.Fprintf(os.Stderr, "set up the host: %v\n", err)
	} else {
		code = m.Run()
	}
	if err := fleet.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// setUp connects to the host and gives it volumes for three replicas.
func setUp() error {
	hostKubeconfig = fleet.Layout().ClusterKubeconfig(hostName)
	cfg, err := clientcmd.BuildConfigFromFlags("", hostKubeconfig)
	if err != nil {
		return err
	}
	if host, err = kubernetes.NewForConfig(cfg); err != nil {
		return err
	}
	for i := range 3 {
		pv := &corev1.PersistentVolume{
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("kurator-data-%d", i)},
			Spec: corev1.PersistentVolumeSpec{
				Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
				AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				StorageClassName:              storageClass,
				PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
				PersistentVolumeSource: corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{
					Path: filepath.Join(os.TempDir(), fmt.Sprintf("kurator-it-pv-%d", i))}},
			},
		}
		if _, err := host.CoreV1().PersistentVolumes().Create(context.Background(), pv, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create PersistentVolume %s: %w", pv.Name, err)
		}
	}
	return nil
}
