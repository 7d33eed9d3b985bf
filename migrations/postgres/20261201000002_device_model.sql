-- The model of the phone a device is provisioned on (NetSapiens' `device-models-model`), beside
-- its MAC address (`mac`, `device-provisioning-mac-address`): NetSapiens links a MAC address to a
-- device only with its model.
ALTER TABLE devices ADD COLUMN model TEXT;
