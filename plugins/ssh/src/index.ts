/**
 * `@icl/plugin-ssh`: programs on your own machines over SSH, one host or a fleet. Host keys are checked
 * against known_hosts (an unknown or changed key is refused with its fingerprint); files go over SFTP;
 * runtimes with pip packages become venvs on the host, built once and reused; each run is supervised on
 * its host in its own session, so a dropped connection loses nothing.
 */
export { createSshBackend } from './create-ssh-backend';
export { type SshBackendSettings, sshSettingKinds } from './ssh-backend-settings';
