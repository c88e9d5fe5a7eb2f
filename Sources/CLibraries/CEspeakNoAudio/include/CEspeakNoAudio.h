// Nothing to call: linking this target is what takes effect (see no_audio_device.c).
