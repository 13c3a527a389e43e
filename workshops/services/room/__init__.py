"""The live room: its event log, the actions people take in it, presence and transcripts."""
