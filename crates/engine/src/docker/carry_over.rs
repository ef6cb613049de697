//! The new container's configuration, carried over from the old one the way Watchtower does
//! it: everything the operator set (env, labels, mounts, network mode, restart policy, ports,
//! resource limits — the whole host config) is kept; everything the old *image* supplied is
//! dropped, so the new image's defaults (its version, entrypoint, health check) apply.
//!
//! Why: a container's inspected config is the image's config merged with the operator's. Copied
//! verbatim, the old image's `ENV VERSION=1.2.0` would override the new image's `1.3.0`.

use std::collections::HashMap;

use bollard::models::{
    ContainerConfig, ContainerCreateBody, ContainerInspectResponse, EndpointSettings, ImageConfig,
    NetworkingConfig,
};

/// Label on a container made by deploy.recreate: the kept fallback container's name.
pub const LABEL_FALLBACK: &str = "dev.release-pilot.fallback";
/// Label on a container made by deploy.recreate: the image it replaced.
pub const LABEL_PREVIOUS_IMAGE: &str = "dev.release-pilot.previous-image";

/// The body to create the new container from `image` with the old one's configuration.
pub fn create_body(
    old: &ContainerInspectResponse,
    old_image: Option<&ImageConfig>,
    image: &str,
    extra_labels: HashMap<String, String>,
) -> ContainerCreateBody {
    let cfg = old.config.clone().unwrap_or_default();
    let img = old_image.cloned().unwrap_or_default();
    let host_config = old.host_config.clone();
    let network_mode =
        host_config.as_ref().and_then(|h| h.network_mode.clone()).unwrap_or_default();
    let id_prefix: String = old.id.as_deref().unwrap_or_default().chars().take(12).collect();

    let mut labels = minus_map(cfg.labels.clone(), img.labels.as_ref());
    labels.get_or_insert_with(HashMap::new).extend(extra_labels);

    ContainerCreateBody {
        // Docker sets the hostname to the short id, and refuses one with host networking.
        hostname: cfg
            .hostname
            .clone()
            .filter(|h| !h.is_empty() && *h != id_prefix && !shares_host_uts(&network_mode)),
        domainname: cfg
            .domainname
            .clone()
            .filter(|d| !d.is_empty() && !shares_host_uts(&network_mode)),
        user: unless_same(cfg.user.clone(), img.user.as_ref()),
        attach_stdin: cfg.attach_stdin,
        attach_stdout: cfg.attach_stdout,
        attach_stderr: cfg.attach_stderr,
        exposed_ports: unless_same(cfg.exposed_ports.clone(), img.exposed_ports.as_ref()),
        tty: cfg.tty,
        open_stdin: cfg.open_stdin,
        stdin_once: cfg.stdin_once,
        env: minus_list(cfg.env.clone(), img.env.as_ref()),
        cmd: unless_same(cfg.cmd.clone(), img.cmd.as_ref()),
        healthcheck: unless_same(cfg.healthcheck.clone(), img.healthcheck.as_ref()),
        args_escaped: None,
        image: Some(image.to_owned()),
        volumes: unless_same(cfg.volumes.clone(), img.volumes.as_ref()),
        working_dir: unless_same(cfg.working_dir.clone(), img.working_dir.as_ref()),
        entrypoint: unless_same(cfg.entrypoint.clone(), img.entrypoint.as_ref()),
        network_disabled: cfg.network_disabled,
        on_build: None,
        labels,
        stop_signal: unless_same(cfg.stop_signal.clone(), img.stop_signal.as_ref()),
        stop_timeout: cfg.stop_timeout,
        shell: unless_same(cfg.shell.clone(), img.shell.as_ref()),
        networking_config: networking(old, &network_mode),
        host_config,
    }
}

/// The labels a container carries, from its inspected config.
pub fn labels(config: Option<&ContainerConfig>) -> HashMap<String, String> {
    config.and_then(|c| c.labels.clone()).unwrap_or_default()
}

/// Host and container network modes share the host's (or another container's) hostname.
fn shares_host_uts(network_mode: &str) -> bool {
    network_mode == "host" || network_mode.starts_with("container:")
}

/// The endpoint on a user-defined network, so the new container joins it with the same
/// aliases. Default, host and none networks need nothing.
fn networking(old: &ContainerInspectResponse, network_mode: &str) -> Option<NetworkingConfig> {
    if matches!(network_mode, "" | "default" | "bridge" | "host" | "none")
        || network_mode.starts_with("container:")
    {
        return None;
    }
    let networks = old.network_settings.as_ref()?.networks.as_ref()?;
    let endpoint = networks.get(network_mode)?;
    let short_id: String = old.id.as_deref().unwrap_or_default().chars().take(12).collect();
    let aliases = endpoint
        .aliases
        .clone()
        .map(|a| a.into_iter().filter(|alias| *alias != short_id).collect::<Vec<_>>());
    let settings = EndpointSettings {
        aliases,
        links: endpoint.links.clone(),
        ipam_config: endpoint.ipam_config.clone(),
        driver_opts: endpoint.driver_opts.clone(),
        ..Default::default()
    };
    Some(NetworkingConfig { endpoints_config: Some([(network_mode.to_owned(), settings)].into()) })
}

fn unless_same<T: PartialEq>(value: Option<T>, image_value: Option<&T>) -> Option<T> {
    match (&value, image_value) {
        (Some(v), Some(i)) if v == i => None,
        _ => value,
    }
}

fn minus_list(
    value: Option<Vec<String>>,
    image_value: Option<&Vec<String>>,
) -> Option<Vec<String>> {
    let image_value = image_value.cloned().unwrap_or_default();
    value.map(|v| v.into_iter().filter(|e| !image_value.contains(e)).collect())
}

fn minus_map(
    value: Option<HashMap<String, String>>,
    image_value: Option<&HashMap<String, String>>,
) -> Option<HashMap<String, String>> {
    value.map(|v| {
        v.into_iter().filter(|(k, val)| image_value.and_then(|i| i.get(k)) != Some(val)).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_env_is_dropped_and_operator_env_kept() {
        let old = ContainerInspectResponse {
            id: Some("0123456789abcdef".into()),
            config: Some(ContainerConfig {
                env: Some(vec!["SAMPLE_VERSION=1.0.0".into(), "SAMPLE_PORT=9000".into()]),
                hostname: Some("0123456789ab".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let image =
            ImageConfig { env: Some(vec!["SAMPLE_VERSION=1.0.0".into()]), ..Default::default() };
        let body = create_body(&old, Some(&image), "app:1.1.0", HashMap::new());
        assert_eq!(
            body.env,
            Some(vec!["SAMPLE_PORT=9000".to_owned()]),
            "the old image's version must not override the new one's"
        );
        assert_eq!(body.hostname, None, "the default hostname (short id) is not carried over");
        assert_eq!(body.image.as_deref(), Some("app:1.1.0"), "the new image is used");
    }
}
